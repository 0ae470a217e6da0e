/**
 * Members of the primitive types: Parse/TryParse (invariant culture), MinValue/MaxValue,
 * ToString(format) and friends for bool, the integral types and double/float/decimal.
 */
import type { PrimitiveName } from '../types/model.js';
import { defineType } from '../types/registry.js';
import { argumentNull, formatError } from './exceptions.js';
import { formatNumber, type NumberKind } from './number-format.js';
import { integralRange, isBigIntType, parseBoolean, parseFloating, parseIntegral, tryParse } from './numeric.js';
import { clrEquals } from './object.js';

interface OutCell {
  value: unknown;
}

const INTEGRALS: readonly [string, PrimitiveName][] = [
  ['SByte', 'sbyte'],
  ['Byte', 'byte'],
  ['Int16', 'short'],
  ['UInt16', 'ushort'],
  ['Int32', 'int'],
  ['UInt32', 'uint'],
  ['Int64', 'long'],
  ['UInt64', 'ulong'],
];

function kindOf(p: PrimitiveName): NumberKind {
  if (p === 'long' || p === 'ulong') return 'long';
  if (p === 'float') return 'float';
  if (p === 'double' || p === 'decimal') return 'double';
  return 'int';
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const HEX = /^\s*([0-9a-fA-F]+)\s*$/;
const NUMBER_STYLES_HEX = 512;

for (const [name, p] of INTEGRALS) {
  const range = integralRange(p)!;
  const big = isBigIntType(p);
  const zero = big ? 0n : 0;
  const parse = (s: string | null): number | bigint => parseIntegral(s, p, name);
  const parseStyled = (s: string | null, styles: number): number | bigint => {
    if (!(styles & NUMBER_STYLES_HEX)) return parse(s);
    if (s === null) throw argumentNull('s');
    const m = HEX.exec(s);
    if (!m) throw formatError(`The input string '${s}' was not in a correct format.`);
    const v = BigInt(`0x${m[1]}`);
    const wrapped = range.signed ? BigInt.asIntN(range.bits, v) : BigInt.asUintN(range.bits, v);
    return big ? wrapped : Number(wrapped);
  };
  defineType({
    name,
    namespace: 'System',
    primitive: p,
    valueType: true,
    isInstance: (v) => (big ? typeof v === 'bigint' : typeof v === 'number'),
    members: (b) => {
      const self = p;
      b.constant('MinValue', self, big ? range.min : Number(range.min));
      b.constant('MaxValue', self, big ? range.max : Number(range.max));
      b.staticMethod('Parse', `${self}(string s)`, parse);
      b.staticMethod('Parse', `${self}(string s, IFormatProvider provider)`, (s: string | null) => parse(s));
      b.staticMethod('Parse', `${self}(string s, NumberStyles style)`, parseStyled);
      b.staticMethod('Parse', `${self}(string s, NumberStyles style, IFormatProvider provider)`, parseStyled);
      b.staticMethod('TryParse', `bool(string s, out ${self} result)`, (s: string | null, out: OutCell) => {
        const r = tryParse(() => parse(s), zero);
        out.value = r.value;
        return r.ok;
      });
      b.staticMethod('TryParse', `bool(string s, NumberStyles style, IFormatProvider provider, out ${self} result)`, (s: string | null, st: number, _p: unknown, out: OutCell) => {
        const r = tryParse(() => parseStyled(s, st), zero);
        out.value = r.value;
        return r.ok;
      });
      b.method('ToString', 'string()', (v: number | bigint) => String(v));
      b.method('ToString', 'string(string format)', (v: number | bigint, f: string | null) => formatNumber(v, kindOf(p), f));
      b.method('ToString', 'string(IFormatProvider provider)', (v: number | bigint) => String(v));
      b.method('ToString', 'string(string format, IFormatProvider provider)', (v: number | bigint, f: string | null) => formatNumber(v, kindOf(p), f));
      b.method('Equals', `bool(${self} obj)`, (v: number | bigint, o: number | bigint) => v === o);
      b.method('Equals', 'bool(object obj)', (v: unknown, o: unknown) => clrEquals(v, o));
      b.method('CompareTo', `int(${self} value)`, compareNumbers);
      b.method('GetHashCode', 'int()', (v: number | bigint) => Number(BigInt.asIntN(32, BigInt(v))));
    },
  });
}

function parseFloat32(s: string | null): number {
  return Math.fround(parseFloating(s));
}

for (const [name, p] of [
  ['Double', 'double'],
  ['Single', 'float'],
  ['Decimal', 'decimal'],
] as const) {
  const parse = p === 'float' ? parseFloat32 : parseFloating;
  const kind = kindOf(p);
  defineType({
    name,
    namespace: 'System',
    primitive: p,
    valueType: true,
    isInstance: (v) => typeof v === 'number',
    members: (b) => {
      b.staticMethod('Parse', `${p}(string s)`, parse);
      b.staticMethod('Parse', `${p}(string s, IFormatProvider provider)`, (s: string | null) => parse(s));
      b.staticMethod('Parse', `${p}(string s, NumberStyles style, IFormatProvider provider)`, (s: string | null) => parse(s));
      b.staticMethod('TryParse', `bool(string s, out ${p} result)`, (s: string | null, out: OutCell) => {
        const r = tryParse(() => parse(s), 0);
        out.value = r.value;
        return r.ok;
      });
      b.staticMethod('TryParse', `bool(string s, NumberStyles style, IFormatProvider provider, out ${p} result)`, (s: string | null, _st: number, _pr: unknown, out: OutCell) => {
        const r = tryParse(() => parse(s), 0);
        out.value = r.value;
        return r.ok;
      });
      b.method('ToString', 'string()', (v: number) => formatNumber(v, kind, null));
      b.method('ToString', 'string(string format)', (v: number, f: string | null) => formatNumber(v, kind, f));
      b.method('ToString', 'string(IFormatProvider provider)', (v: number) => formatNumber(v, kind, null));
      b.method('ToString', 'string(string format, IFormatProvider provider)', (v: number, f: string | null) => formatNumber(v, kind, f));
      b.method('Equals', `bool(${p} obj)`, (v: number, o: number) => v === o || (Number.isNaN(v) && Number.isNaN(o)));
      b.method('CompareTo', `int(${p} value)`, compareNumbers);
      if (p === 'decimal') {
        // decimal is modelled as double: its limits are the nearest doubles.
        b.constant('MaxValue', p, Number('79228162514264337593543950335'));
        b.constant('MinValue', p, -Number('79228162514264337593543950335'));
        b.constant('Zero', p, 0);
        b.constant('One', p, 1);
        b.staticMethod('Round', 'decimal(decimal d, int decimals)', (d: number, n: number) => Number(d.toFixed(n)));
        b.staticMethod('Truncate', 'decimal(decimal d)', Math.trunc);
        b.staticMethod('Floor', 'decimal(decimal d)', Math.floor);
        b.staticMethod('Ceiling', 'decimal(decimal d)', Math.ceil);
      } else {
        const single = p === 'float';
        b.constant('MaxValue', p, single ? 3.4028234663852886e38 : Number.MAX_VALUE);
        b.constant('MinValue', p, single ? -3.4028234663852886e38 : -Number.MAX_VALUE);
        b.constant('Epsilon', p, single ? 1.401298464324817e-45 : Number.MIN_VALUE);
        b.constant('NaN', p, Number.NaN);
        b.constant('PositiveInfinity', p, Infinity);
        b.constant('NegativeInfinity', p, -Infinity);
        b.staticMethod('IsNaN', `bool(${p} d)`, Number.isNaN);
        b.staticMethod('IsInfinity', `bool(${p} d)`, (d: number) => d === Infinity || d === -Infinity);
        b.staticMethod('IsPositiveInfinity', `bool(${p} d)`, (d: number) => d === Infinity);
        b.staticMethod('IsNegativeInfinity', `bool(${p} d)`, (d: number) => d === -Infinity);
        b.staticMethod('IsFinite', `bool(${p} d)`, Number.isFinite);
      }
    },
  });
}

defineType({
  name: 'Boolean',
  namespace: 'System',
  primitive: 'bool',
  valueType: true,
  isInstance: (v) => typeof v === 'boolean',
  members: (b) => {
    b.staticProp('TrueString', 'string', () => 'True');
    b.staticProp('FalseString', 'string', () => 'False');
    b.staticMethod('Parse', 'bool(string value)', parseBoolean);
    b.staticMethod('TryParse', 'bool(string value, out bool result)', (s: string | null, out: OutCell) => {
      const r = tryParse(() => parseBoolean(s), false);
      out.value = r.value;
      return r.ok;
    });
    b.method('ToString', 'string()', (v: boolean) => (v ? 'True' : 'False'));
    b.method('Equals', 'bool(bool obj)', (v: boolean, o: boolean) => v === o);
    b.method('CompareTo', 'int(bool value)', (v: boolean, o: boolean) => Number(v) - Number(o));
  },
});
