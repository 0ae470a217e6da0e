/**
 * CLR numeric semantics on JavaScript values. Representation (shared by the whole runtime):
 * `sbyte`…`uint` are JS numbers kept in range, `long`/`ulong` are bigints (so `DateTime.Ticks`
 * and 64-bit overflow are exact), `float`/`double`/`decimal` are numbers, and `char` is a
 * one-code-unit string (so it prints and concatenates like C#).
 */
import type { PrimitiveName } from '../types/model.js';
import { argumentNull, formatError, overflow } from './exceptions.js';

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

interface IntegralRange {
  readonly min: bigint;
  readonly max: bigint;
  readonly bits: number;
  readonly signed: boolean;
}

const RANGES: Partial<Record<PrimitiveName, IntegralRange>> = {
  sbyte: { min: -128n, max: 127n, bits: 8, signed: true },
  byte: { min: 0n, max: 255n, bits: 8, signed: false },
  short: { min: -32768n, max: 32767n, bits: 16, signed: true },
  ushort: { min: 0n, max: 65535n, bits: 16, signed: false },
  char: { min: 0n, max: 65535n, bits: 16, signed: false },
  int: { min: -2147483648n, max: 2147483647n, bits: 32, signed: true },
  uint: { min: 0n, max: 4294967295n, bits: 32, signed: false },
  long: { min: -(2n ** 63n), max: 2n ** 63n - 1n, bits: 64, signed: true },
  ulong: { min: 0n, max: 2n ** 64n - 1n, bits: 64, signed: false },
};

export function integralRange(t: PrimitiveName): IntegralRange | undefined {
  return RANGES[t];
}

export function isBigIntType(t: PrimitiveName): boolean {
  return t === 'long' || t === 'ulong';
}

export function isFloatType(t: PrimitiveName): boolean {
  return t === 'float' || t === 'double' || t === 'decimal';
}

/** Wrap an integral JS number into the range of a 32-bit-or-smaller integral type. */
export function wrapSmall(t: PrimitiveName, n: number): number {
  switch (t) {
    case 'sbyte':
      return (n << 24) >> 24;
    case 'byte':
      return n & 0xff;
    case 'short':
      return (n << 16) >> 16;
    case 'ushort':
    case 'char':
      return n & 0xffff;
    case 'uint':
      return n >>> 0;
    default:
      return n | 0;
  }
}

function wrapBig(t: PrimitiveName, n: bigint): bigint {
  return t === 'ulong' ? BigInt.asUintN(64, n) : BigInt.asIntN(64, n);
}

/** Numeric value of any numeric or char representation, as a JS number (lossy for big longs). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return v.charCodeAt(0);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number.NaN;
}

/** Exact integral value of an integral representation. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return BigInt(v.charCodeAt(0));
  return BigInt(Math.trunc(toNumber(v)));
}

function saturate(x: number, r: IntegralRange): bigint {
  if (Number.isNaN(x)) return 0n;
  const t = Math.trunc(x);
  if (t <= Number(r.min)) return r.min;
  if (t >= Number(r.max)) return r.max;
  return BigInt(t);
}

/**
 * Build a converter between two numeric/char primitive types. `checked` turns overflow into
 * OverflowException (C# `checked`, and the `Convert.ToXxx` family); otherwise integers wrap
 * and floating-point values saturate (the .NET 9 behaviour, the same on every platform).
 */
export function numericConverter(from: PrimitiveName, to: PrimitiveName, checked: boolean): ((v: unknown) => unknown) | null {
  if (from === to) return null;
  if (to === 'float') return (v) => Math.fround(toNumber(v));
  if (to === 'double' || to === 'decimal') {
    return from === 'float' || from === 'double' || from === 'decimal' ? null : (v) => toNumber(v);
  }
  const range = RANGES[to]!;
  const fromFloat = isFloatType(from);
  const toBig = isBigIntType(to);
  const finish = (b: bigint): unknown => {
    if (toBig) return b;
    const n = Number(b);
    return to === 'char' ? String.fromCharCode(n) : n;
  };
  if (fromFloat) {
    return (v) => {
      const x = toNumber(v);
      if (checked && (Number.isNaN(x) || Math.trunc(x) < Number(range.min) || Math.trunc(x) > Number(range.max))) throw overflow();
      return finish(saturate(x, range));
    };
  }
  if (!toBig && !isBigIntType(from)) {
    // Small-to-small conversion stays in number arithmetic (the hot path).
    return (v) => {
      const n = typeof v === 'string' ? v.charCodeAt(0) : (v as number);
      if (checked && (n < Number(range.min) || n > Number(range.max))) throw overflow();
      const w = wrapSmall(to, n);
      return to === 'char' ? String.fromCharCode(w) : w;
    };
  }
  return (v) => {
    const b = toBigInt(v);
    if (checked && (b < range.min || b > range.max)) throw overflow();
    if (toBig) return wrapBig(to, b);
    return finish(range.signed ? BigInt.asIntN(range.bits, b) : BigInt.asUintN(range.bits, b));
  };
}

const INTEGER_TEXT = /^\s*([+-]?)(\d+)\s*$/;

/** `int.Parse`/`long.Parse`… with NumberStyles.Integer and the invariant culture. */
export function parseIntegral(text: string | null, to: PrimitiveName, typeName: string): number | bigint {
  if (text === null) throw argumentNull('s');
  const m = INTEGER_TEXT.exec(text);
  if (!m) throw formatError(`The input string '${text}' was not in a correct format.`);
  const b = BigInt(m[1] + m[2]);
  const r = RANGES[to]!;
  if (b < r.min || b > r.max) throw overflow(`Value was either too large or too small for ${/^[aeiouAEIOU]/.test(typeName) ? 'an' : 'a'} ${typeName}.`);
  return isBigIntType(to) ? b : Number(b);
}

const FLOAT_TEXT = /^\s*[+-]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** `double.Parse` with NumberStyles.Float | AllowThousands under the invariant culture. */
export function parseFloating(text: string | null): number {
  if (text === null) throw argumentNull('s');
  const t = text.trim();
  if (t === 'NaN') return Number.NaN;
  if (t === 'Infinity' || t === '∞' || t === '+Infinity') return Infinity;
  if (t === '-Infinity' || t === '-∞') return -Infinity;
  if (!FLOAT_TEXT.test(t)) throw formatError(`The input string '${text}' was not in a correct format.`);
  return Number(t.replace(/,/g, ''));
}

export function parseBoolean(text: string | null): boolean {
  if (text === null) throw argumentNull('value');
  const t = text.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw formatError(`String '${text}' was not recognized as a valid Boolean.`);
}

/** Run a parser in TryParse style: the value (or the type's default) and whether it parsed. */
export function tryParse<T>(parse: () => T, fallback: T): { ok: boolean; value: T } {
  try {
    return { ok: true, value: parse() };
  } catch {
    return { ok: false, value: fallback };
  }
}

/** `checked` integer arithmetic result guard for 32-bit-or-smaller types. */
export function checkedSmall(t: PrimitiveName, n: number): number {
  const r = RANGES[t]!;
  if (n < Number(r.min) || n > Number(r.max)) throw overflow();
  return n;
}

export function checkedBig(t: PrimitiveName, n: bigint): bigint {
  const r = RANGES[t]!;
  if (n < r.min || n > r.max) throw overflow();
  return n;
}

