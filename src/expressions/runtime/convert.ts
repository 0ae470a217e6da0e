/**
 * System.Convert (Base64, hex, checked numeric conversions that round to even) and
 * System.BitConverter (little-endian, like every platform APIM runs on).
 */
import type { PrimitiveName } from '../types/model.js';
import { defineType } from '../types/registry.js';
import { argumentError, argumentNull, argumentOutOfRange, formatError, invalidCast, overflow } from './exceptions.js';
import { integralRange, isBigIntType, parseBoolean, parseFloating, parseIntegral } from './numeric.js';
import { clrToString, runtimeTypeName, unwrapConvertible } from './object.js';
import { formatDoubleDefault } from './number-format.js';
import { roundHalfEven } from './math.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function toBase64(bytes: Uint8Array | null, lineBreaks = false): string {
  if (bytes === null) throw argumentNull('inArray');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return lineBreaks ? (text.match(/.{1,76}/g) ?? []).join('\r\n') : text;
}

export function fromBase64(text: string | null): Uint8Array {
  if (text === null) throw argumentNull('s');
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw formatError('The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.');
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function toHex(bytes: Uint8Array | null): string {
  if (bytes === null) throw argumentNull('inArray');
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

function fromHex(text: string | null): Uint8Array {
  if (text === null) throw argumentNull('s');
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw formatError('The input is not a valid hex string as its length is not a multiple of 2 or it contains a non-hex character.');
  return new Uint8Array(Buffer.from(text, 'hex'));
}

const TYPE_NAMES: Partial<Record<PrimitiveName, string>> = {
  byte: 'an unsigned byte',
  sbyte: 'a signed byte',
  short: 'an Int16',
  ushort: 'a UInt16',
  int: 'an Int32',
  uint: 'a UInt32',
  long: 'an Int64',
  ulong: 'a UInt64',
};

/** Convert.ToXxx for integral targets: strings parse, doubles round to even, range is checked. */
function toIntegral(to: PrimitiveName): (v: unknown) => number | bigint {
  const r = integralRange(to)!;
  const big = isBigIntType(to);
  const finish = (b: bigint): number | bigint => {
    if (b < r.min || b > r.max) throw overflow(`Value was either too large or too small for ${TYPE_NAMES[to]}.`);
    return big ? b : Number(b);
  };
  return (raw) => {
    const v = unwrapConvertible(raw);
    if (v === null || v === undefined) return big ? 0n : 0;
    if (typeof v === 'string') return finish(BigInt(parseIntegral(v, to === 'ulong' ? 'ulong' : 'long', TYPE_NAMES[to]!.replace(/^an? /, ''))));
    if (typeof v === 'boolean') return finish(v ? 1n : 0n);
    if (typeof v === 'bigint') return finish(v);
    if (typeof v === 'number') {
      if (Number.isNaN(v) || !Number.isFinite(v)) throw overflow(`Value was either too large or too small for ${TYPE_NAMES[to]}.`);
      return finish(BigInt(roundHalfEven(v)));
    }
    throw invalidCast(runtimeTypeName(v), `System.${to}`);
  };
}

function toDouble(raw: unknown): number {
  const v = unwrapConvertible(raw);
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return parseFloating(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw invalidCast(runtimeTypeName(v), 'System.Double');
}

function toBoolean(raw: unknown): boolean {
  const v = unwrapConvertible(raw);
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return parseBoolean(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  throw invalidCast(runtimeTypeName(v), 'System.Boolean');
}

function parseInBase(text: string | null, fromBase: number, to: PrimitiveName): number | bigint {
  if (text === null) return isBigIntType(to) ? 0n : 0;
  if (![2, 8, 10, 16].includes(fromBase)) throw argumentError('Invalid Base.', 'fromBase');
  let t = text.trim();
  if (fromBase === 16) t = t.replace(/^0[xX]/, '');
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^-?\d+$/, 16: /^[0-9a-fA-F]+$/ }[fromBase as 2 | 8 | 10 | 16];
  if (!valid.test(t)) throw formatError('Could not find any recognizable digits.');
  const r = integralRange(to)!;
  const raw = fromBase === 10 ? BigInt(t) : BigInt((fromBase === 2 ? '0b' : fromBase === 8 ? '0o' : '0x') + t);
  const v = fromBase === 10 ? raw : r.signed ? BigInt.asIntN(r.bits, raw) : BigInt.asUintN(r.bits, raw);
  if (v < r.min || v > r.max) throw overflow();
  return isBigIntType(to) ? v : Number(v);
}

function toStringInBase(v: number | bigint, toBase: number, bits: number): string {
  if (![2, 8, 10, 16].includes(toBase)) throw argumentError('Invalid Base.', 'toBase');
  if (toBase === 10) return String(v);
  return BigInt.asUintN(bits, BigInt(v)).toString(toBase);
}

defineType({
  name: 'Convert',
  namespace: 'System',
  static: true,
  members: (b) => {
    b.staticMethod('ToBase64String', 'string(byte[] inArray)', (a: Uint8Array | null) => toBase64(a));
    b.staticMethod('ToBase64String', 'string(byte[] inArray, Base64FormattingOptions options)', (a: Uint8Array | null, o: number) => toBase64(a, o === 1));
    b.staticMethod('ToBase64String', 'string(byte[] inArray, int offset, int length)', (a: Uint8Array | null, off: number, len: number) => {
      if (a === null) throw argumentNull('inArray');
      if (off < 0 || len < 0 || off + len > a.length) throw argumentOutOfRange('offset', 'Offset and length must refer to a position in the array.');
      return toBase64(a.subarray(off, off + len));
    });
    b.staticMethod('FromBase64String', 'byte[](string s)', fromBase64);
    b.staticMethod('ToHexString', 'string(byte[] inArray)', toHex);
    b.staticMethod('ToHexStringLower', 'string(byte[] inArray)', (a: Uint8Array | null) => toHex(a).toLowerCase());
    b.staticMethod('FromHexString', 'byte[](string s)', fromHex);

    const integrals: [string, PrimitiveName][] = [
      ['ToByte', 'byte'],
      ['ToSByte', 'sbyte'],
      ['ToInt16', 'short'],
      ['ToUInt16', 'ushort'],
      ['ToInt32', 'int'],
      ['ToUInt32', 'uint'],
      ['ToInt64', 'long'],
      ['ToUInt64', 'ulong'],
    ];
    for (const [name, to] of integrals) {
      const conv = toIntegral(to);
      for (const from of ['object', 'string', 'bool', 'double', 'decimal', 'float', 'int', 'long', 'short', 'byte', 'uint', 'ulong', 'ushort', 'sbyte']) {
        b.staticMethod(name, `${to}(${from} value)`, conv);
      }
      b.staticMethod(name, `${to}(char value)`, (c: string) => conv(c.charCodeAt(0)));
      b.staticMethod(name, `${to}(string value, IFormatProvider provider)`, conv);
      b.staticMethod(name, `${to}(string value, int fromBase)`, (s: string | null, base: number) => parseInBase(s, base, to));
    }
    for (const from of ['object', 'string', 'bool', 'int', 'long', 'double', 'float', 'decimal']) {
      b.staticMethod('ToDouble', `double(${from} value)`, toDouble);
      b.staticMethod('ToDecimal', `decimal(${from} value)`, toDouble);
      b.staticMethod('ToSingle', `float(${from} value)`, (v: unknown) => Math.fround(toDouble(v)));
      b.staticMethod('ToBoolean', `bool(${from} value)`, toBoolean);
    }
    b.staticMethod('ToDouble', 'double(string value, IFormatProvider provider)', toDouble);
    b.staticMethod('ToDecimal', 'decimal(string value, IFormatProvider provider)', toDouble);
    b.staticMethod('ToChar', 'char(int value)', (v: number) => {
      if (v < 0 || v > 0xffff) throw overflow('Value was either too large or too small for a character.');
      return String.fromCharCode(v);
    });
    b.staticMethod('ToChar', 'char(string value)', (s: string | null) => {
      if (s === null) throw argumentNull('value');
      if (s.length !== 1) throw formatError('String must be exactly one character long.');
      return s;
    });
    b.staticMethod('ToString', 'string(object value)', (v: unknown) => (v === null || v === undefined ? '' : clrToString(v)));
    b.staticMethod('ToString', 'string(double value)', (v: number) => formatDoubleDefault(v));
    b.staticMethod('ToString', 'string(object value, IFormatProvider provider)', (v: unknown) => (v === null || v === undefined ? '' : clrToString(v)));
    b.staticMethod('ToString', 'string(int value, int toBase)', (v: number, base: number) => toStringInBase(v, base, 32));
    b.staticMethod('ToString', 'string(long value, int toBase)', (v: bigint, base: number) => toStringInBase(v, base, 64));
    b.staticMethod('ToString', 'string(byte value, int toBase)', (v: number, base: number) => toStringInBase(v, base, 8));
  },
});

function bytesAt(a: Uint8Array | null, start: number, size: number): DataView {
  if (a === null) throw argumentNull('value');
  if (start < 0 || start >= a.length) throw argumentOutOfRange('startIndex', 'Index was out of range. Must be non-negative and less than the size of the collection.');
  if (start + size > a.length) throw argumentError('Destination array is not long enough to copy all the items in the collection. Check array index and length.');
  return new DataView(a.buffer, a.byteOffset + start, size);
}

function bytesOf(size: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(size);
  write(new DataView(out.buffer));
  return out;
}

function dashedHex(a: Uint8Array | null, start = 0, length?: number): string {
  if (a === null) throw argumentNull('value');
  const len = length ?? a.length - start;
  if (start < 0 || len < 0 || start + len > a.length) throw argumentOutOfRange('startIndex');
  return [...a.subarray(start, start + len)].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('-');
}

defineType({
  name: 'BitConverter',
  namespace: 'System',
  static: true,
  members: (b) => {
    b.staticProp('IsLittleEndian', 'bool', () => true);
    b.staticMethod('ToInt16', 'short(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 2).getInt16(0, true));
    b.staticMethod('ToUInt16', 'ushort(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 2).getUint16(0, true));
    b.staticMethod('ToInt32', 'int(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 4).getInt32(0, true));
    b.staticMethod('ToUInt32', 'uint(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 4).getUint32(0, true));
    b.staticMethod('ToInt64', 'long(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 8).getBigInt64(0, true));
    b.staticMethod('ToUInt64', 'ulong(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 8).getBigUint64(0, true));
    b.staticMethod('ToDouble', 'double(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 8).getFloat64(0, true));
    b.staticMethod('ToSingle', 'float(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 4).getFloat32(0, true));
    b.staticMethod('ToBoolean', 'bool(byte[] value, int startIndex)', (a: Uint8Array, i: number) => bytesAt(a, i, 1).getUint8(0) !== 0);
    b.staticMethod('GetBytes', 'byte[](short value)', (v: number) => bytesOf(2, (d) => d.setInt16(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](ushort value)', (v: number) => bytesOf(2, (d) => d.setUint16(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](int value)', (v: number) => bytesOf(4, (d) => d.setInt32(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](uint value)', (v: number) => bytesOf(4, (d) => d.setUint32(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](long value)', (v: bigint) => bytesOf(8, (d) => d.setBigInt64(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](ulong value)', (v: bigint) => bytesOf(8, (d) => d.setBigUint64(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](double value)', (v: number) => bytesOf(8, (d) => d.setFloat64(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](float value)', (v: number) => bytesOf(4, (d) => d.setFloat32(0, v, true)));
    b.staticMethod('GetBytes', 'byte[](bool value)', (v: boolean) => Uint8Array.of(v ? 1 : 0));
    b.staticMethod('GetBytes', 'byte[](char value)', (v: string) => bytesOf(2, (d) => d.setUint16(0, v.charCodeAt(0), true)));
    b.staticMethod('ToString', 'string(byte[] value)', (a: Uint8Array | null) => dashedHex(a));
    b.staticMethod('ToString', 'string(byte[] value, int startIndex)', (a: Uint8Array | null, i: number) => dashedHex(a, i));
    b.staticMethod('ToString', 'string(byte[] value, int startIndex, int length)', dashedHex);
  },
});
