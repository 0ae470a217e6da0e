/** System.Math with .NET's rounding rules (banker's rounding by default) and overloads. */
import { defineType } from '../types/registry.js';
import { ClrException, argumentError, argumentOutOfRange, overflow } from './exceptions.js';
import { INT_MIN } from './numeric.js';

const MidpointRounding = { ToEven: 0, AwayFromZero: 1, ToZero: 2, ToNegativeInfinity: 3, ToPositiveInfinity: 4 } as const;

export function roundHalfEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function roundMode(v: number, mode: number): number {
  switch (mode) {
    case MidpointRounding.AwayFromZero:
      return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
    case MidpointRounding.ToZero:
      return Math.trunc(v);
    case MidpointRounding.ToNegativeInfinity:
      return Math.floor(v);
    case MidpointRounding.ToPositiveInfinity:
      return Math.ceil(v);
    default:
      return roundHalfEven(v);
  }
}

/** Math.Round(value, digits, mode), scaled the way .NET scales (so 2.675 → 2.67). */
export function round(v: number, digits = 0, mode: number = MidpointRounding.ToEven): number {
  if (digits < 0 || digits > 15) throw argumentOutOfRange('digits', 'Rounding digits must be between 0 and 15, inclusive.');
  if (digits === 0) return roundMode(v, mode);
  const p = 10 ** digits;
  const scaled = v * p;
  if (Math.abs(scaled) >= 1e16) return v;
  return roundMode(scaled, mode) / p;
}

defineType({
  name: 'Math',
  namespace: 'System',
  static: true,
  members: (b) => {
    b.constant('PI', 'double', Math.PI);
    b.constant('E', 'double', Math.E);
    b.staticMethod('Abs', 'int(int value)', (v: number) => {
      if (v === INT_MIN) throw overflow('Negating the minimum value of a twos complement number is invalid.');
      return Math.abs(v);
    });
    b.staticMethod('Abs', 'long(long value)', (v: bigint) => (v < 0n ? -v : v));
    b.staticMethod('Abs', 'double(double value)', Math.abs);
    b.staticMethod('Abs', 'decimal(decimal value)', Math.abs);
    b.staticMethod('Abs', 'float(float value)', Math.abs);
    for (const t of ['int', 'long', 'uint', 'ulong', 'double', 'float', 'decimal', 'short', 'byte']) {
      b.staticMethod('Max', `${t}(${t} val1, ${t} val2)`, (a: number | bigint, c: number | bigint) => (a > c ? a : c));
      b.staticMethod('Min', `${t}(${t} val1, ${t} val2)`, (a: number | bigint, c: number | bigint) => (a < c ? a : c));
    }
    for (const t of ['int', 'long', 'double', 'decimal']) {
      b.staticMethod('Clamp', `${t}(${t} value, ${t} min, ${t} max)`, (v: number | bigint, lo: number | bigint, hi: number | bigint) => {
        if (lo > hi) throw argumentError(`'${String(lo)}' cannot be greater than ${String(hi)}.`);
        return v < lo ? lo : v > hi ? hi : v;
      });
    }
    b.staticMethod('Sign', 'int(int value)', Math.sign);
    b.staticMethod('Sign', 'int(long value)', (v: bigint) => (v > 0n ? 1 : v < 0n ? -1 : 0));
    b.staticMethod('Sign', 'int(double value)', (v: number) => {
      if (Number.isNaN(v)) throw new ClrException('System.ArithmeticException', 'Function does not accept floating point Not-a-Number values.');
      return Math.sign(v);
    });
    b.staticMethod('Sign', 'int(decimal value)', Math.sign);
    for (const t of ['double', 'decimal']) {
      b.staticMethod('Round', `${t}(${t} a)`, (v: number) => round(v));
      b.staticMethod('Round', `${t}(${t} value, int digits)`, (v: number, d: number) => round(v, d));
      b.staticMethod('Round', `${t}(${t} value, MidpointRounding mode)`, (v: number, m: number) => round(v, 0, m));
      b.staticMethod('Round', `${t}(${t} value, int digits, MidpointRounding mode)`, round);
      b.staticMethod('Floor', `${t}(${t} d)`, Math.floor);
      b.staticMethod('Ceiling', `${t}(${t} a)`, Math.ceil);
      b.staticMethod('Truncate', `${t}(${t} d)`, Math.trunc);
    }
    b.staticMethod('Pow', 'double(double x, double y)', Math.pow);
    b.staticMethod('Sqrt', 'double(double d)', Math.sqrt);
    b.staticMethod('Cbrt', 'double(double d)', Math.cbrt);
    b.staticMethod('Exp', 'double(double d)', Math.exp);
    b.staticMethod('Log', 'double(double d)', Math.log);
    b.staticMethod('Log', 'double(double a, double newBase)', (a: number, nb: number) => Math.log(a) / Math.log(nb));
    b.staticMethod('Log10', 'double(double d)', Math.log10);
    b.staticMethod('Log2', 'double(double x)', Math.log2);
    b.staticMethod('Sin', 'double(double a)', Math.sin);
    b.staticMethod('Cos', 'double(double d)', Math.cos);
    b.staticMethod('Tan', 'double(double a)', Math.tan);
    b.staticMethod('Asin', 'double(double d)', Math.asin);
    b.staticMethod('Acos', 'double(double d)', Math.acos);
    b.staticMethod('Atan', 'double(double d)', Math.atan);
    b.staticMethod('Atan2', 'double(double y, double x)', Math.atan2);
    b.staticMethod('BigMul', 'long(int a, int b)', (a: number, c: number) => BigInt(a) * BigInt(c));
  },
});
