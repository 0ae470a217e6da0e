/**
 * C# operator semantics per numeric type after binary numeric promotion: 32-bit integer
 * arithmetic wraps (or throws in `checked`), integer division truncates and throws
 * DivideByZeroException, 64-bit integers are bigints, floating point follows IEEE.
 */
import type { PrimitiveName } from '../types/model.js';
import { divideByZero, overflow } from './exceptions.js';
import { INT_MIN, checkedBig, checkedSmall, wrapSmall } from './numeric.js';

export type BinaryFn = (a: unknown, b: unknown) => unknown;
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type BitwiseOp = '&' | '|' | '^';
export type ShiftOp = '<<' | '>>' | '>>>';
export type CompareOp = '<' | '>' | '<=' | '>=' | '==' | '!=';

function smallArith(op: ArithmeticOp, t: 'int' | 'uint', checked: boolean): BinaryFn {
  const wrap = (n: number): number => (checked ? checkedSmall(t, n) : wrapSmall(t, n));
  switch (op) {
    case '+':
      return (a, b) => wrap((a as number) + (b as number));
    case '-':
      return (a, b) => wrap((a as number) - (b as number));
    case '*':
      if (checked) return (a, b) => checkedSmall(t, (a as number) * (b as number));
      return t === 'int' ? (a, b) => Math.imul(a as number, b as number) : (a, b) => Math.imul(a as number, b as number) >>> 0;
    case '/':
      return (a, b) => {
        if (b === 0) throw divideByZero();
        if (t === 'int' && a === INT_MIN && b === -1) throw overflow();
        return wrapSmall(t, Math.trunc((a as number) / (b as number)));
      };
    case '%':
      return (a, b) => {
        if (b === 0) throw divideByZero();
        if (t === 'int' && b === -1) return 0;
        return (a as number) % (b as number) || 0;
      };
  }
}

function bigArith(op: ArithmeticOp, t: 'long' | 'ulong', checked: boolean): BinaryFn {
  const wrap = (n: bigint): bigint => (checked ? checkedBig(t, n) : t === 'ulong' ? BigInt.asUintN(64, n) : BigInt.asIntN(64, n));
  switch (op) {
    case '+':
      return (a, b) => wrap((a as bigint) + (b as bigint));
    case '-':
      return (a, b) => wrap((a as bigint) - (b as bigint));
    case '*':
      return (a, b) => wrap((a as bigint) * (b as bigint));
    case '/':
      return (a, b) => {
        if (b === 0n) throw divideByZero();
        return wrap((a as bigint) / (b as bigint));
      };
    case '%':
      return (a, b) => {
        if (b === 0n) throw divideByZero();
        return (a as bigint) % (b as bigint);
      };
  }
}

function floatArith(op: ArithmeticOp, t: 'float' | 'double' | 'decimal'): BinaryFn {
  const round = t === 'float' ? Math.fround : (n: number): number => n;
  switch (op) {
    case '+':
      return (a, b) => round((a as number) + (b as number));
    case '-':
      return (a, b) => round((a as number) - (b as number));
    case '*':
      return (a, b) => round((a as number) * (b as number));
    case '/':
      if (t === 'decimal') {
        return (a, b) => {
          if (b === 0) throw divideByZero();
          return (a as number) / (b as number);
        };
      }
      return (a, b) => round((a as number) / (b as number));
    case '%':
      if (t === 'decimal') {
        return (a, b) => {
          if (b === 0) throw divideByZero();
          return (a as number) % (b as number);
        };
      }
      return (a, b) => round((a as number) % (b as number));
  }
}

/** `a op b` for operands already converted to the promoted type `t`. */
export function arithmetic(op: ArithmeticOp, t: PrimitiveName, checked: boolean): BinaryFn {
  switch (t) {
    case 'int':
    case 'uint':
      return smallArith(op, t, checked);
    case 'long':
    case 'ulong':
      return bigArith(op, t, checked);
    default:
      return floatArith(op, t as 'float' | 'double' | 'decimal');
  }
}

export function bitwise(op: BitwiseOp, t: PrimitiveName): BinaryFn {
  if (t === 'bool') {
    if (op === '&') return (a, b) => (a as boolean) && (b);
    if (op === '|') return (a, b) => (a) || (b);
    return (a, b) => a !== b;
  }
  if (t === 'long' || t === 'ulong') {
    const wrap = t === 'ulong' ? (n: bigint) => BigInt.asUintN(64, n) : (n: bigint) => BigInt.asIntN(64, n);
    if (op === '&') return (a, b) => wrap((a as bigint) & (b as bigint));
    if (op === '|') return (a, b) => wrap((a as bigint) | (b as bigint));
    return (a, b) => wrap((a as bigint) ^ (b as bigint));
  }
  const fix = t === 'uint' ? (n: number) => n >>> 0 : (n: number) => n;
  if (op === '&') return (a, b) => fix((a as number) & (b as number));
  if (op === '|') return (a, b) => fix((a as number) | (b as number));
  return (a, b) => fix((a as number) ^ (b as number));
}

export function shift(op: ShiftOp, t: PrimitiveName): BinaryFn {
  if (t === 'long' || t === 'ulong') {
    const wrap = t === 'ulong' ? (n: bigint) => BigInt.asUintN(64, n) : (n: bigint) => BigInt.asIntN(64, n);
    if (op === '<<') return (a, b) => wrap((a as bigint) << BigInt((b as number) & 63));
    if (op === '>>' && t === 'long') return (a, b) => (a as bigint) >> BigInt((b as number) & 63);
    return (a, b) => BigInt.asUintN(64, a as bigint) >> BigInt((b as number) & 63);
  }
  if (t === 'uint') {
    if (op === '<<') return (a, b) => ((a as number) << ((b as number) & 31)) >>> 0;
    return (a, b) => (a as number) >>> ((b as number) & 31);
  }
  if (op === '<<') return (a, b) => (a as number) << ((b as number) & 31);
  if (op === '>>') return (a, b) => (a as number) >> ((b as number) & 31);
  return (a, b) => ((a as number) >>> ((b as number) & 31)) | 0;
}

export function compare(op: CompareOp): BinaryFn {
  switch (op) {
    case '<':
      return (a, b) => (a as number) < (b as number);
    case '>':
      return (a, b) => (a as number) > (b as number);
    case '<=':
      return (a, b) => (a as number) <= (b as number);
    case '>=':
      return (a, b) => (a as number) >= (b as number);
    case '==':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
  }
}

export function negate(t: PrimitiveName, checked: boolean): (a: unknown) => unknown {
  switch (t) {
    case 'int':
      return checked ? (a) => checkedSmall('int', -(a as number)) : (a) => -(a as number) | 0;
    case 'long':
      return checked ? (a) => checkedBig('long', -(a as bigint)) : (a) => BigInt.asIntN(64, -(a as bigint));
    case 'float':
    case 'double':
    case 'decimal':
      return (a) => -(a as number);
    default:
      return (a) => -(a as number);
  }
}

export function complement(t: PrimitiveName): (a: unknown) => unknown {
  if (t === 'long') return (a) => ~(a as bigint);
  if (t === 'ulong') return (a) => BigInt.asUintN(64, ~(a as bigint));
  if (t === 'uint') return (a) => ~(a as number) >>> 0;
  return (a) => ~(a as number);
}

/** Adds one (or minus one) in type `t`, for ++ and --. */
export function step(t: PrimitiveName, delta: 1 | -1, checked: boolean): (a: unknown) => unknown {
  if (t === 'long' || t === 'ulong') {
    const d = BigInt(delta);
    return checked ? (a) => checkedBig(t, (a as bigint) + d) : (a) => (t === 'ulong' ? BigInt.asUintN(64, (a as bigint) + d) : BigInt.asIntN(64, (a as bigint) + d));
  }
  if (t === 'char') return (a) => String.fromCharCode(((a as string).charCodeAt(0) + delta) & 0xffff);
  if (t === 'float' || t === 'double' || t === 'decimal') return (a) => (a as number) + delta;
  return checked ? (a) => checkedSmall(t, (a as number) + delta) : (a) => wrapSmall(t, (a as number) + delta);
}
