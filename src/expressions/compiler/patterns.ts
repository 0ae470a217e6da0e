/** `is` / `as` and the patterns shared with `switch` (type, declaration, constant, relational, not/and/or). */
import type { Expr, Pattern } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { isValueType, typeName } from '../types/model.js';
import { runtimeCast, runtimeIs } from '../types/conversions.js';
import { T } from '../types/well-known.js';
import { clrEquals } from '../runtime/object.js';
import { toNumber } from '../runtime/numeric.js';
import type { Bound, Compiler } from './compiler.js';
import type { Frame } from './frame.js';
import { compileExpr } from './expressions.js';

export type PatternTest = (f: Frame, v: unknown) => boolean;

function isNumericValue(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint';
}

function constantTest(c: Compiler, value: Expr): PatternTest {
  const b = compileExpr(c, value);
  if (!b.constant) {
    // C# requires a constant; enum members and `string.Empty` count as constants too.
    const ev = b.eval;
    return (f, v) => clrEquals(v, ev(f));
  }
  const k = b.constant.value;
  if (k === null) return (_f, v) => v === null || v === undefined;
  if (isNumericValue(k)) {
    return (_f, v) => isNumericValue(v) && toNumber(v) === toNumber(k);
  }
  return (_f, v) => clrEquals(v, k);
}

export function compilePattern(c: Compiler, p: Pattern, input: ClrType): PatternTest {
  switch (p.kind) {
    case 'discard':
      return () => true;
    case 'var': {
      const local = c.declareLocal(p.name, input, p.pos);
      const write = c.writeVar(local);
      return (f, v) => {
        write(f, v);
        return true;
      };
    }
    case 'type': {
      const t = c.resolveType(p.type);
      const test = runtimeIs(t);
      if (!p.name) return (_f, v) => test(v);
      const local = c.declareLocal(p.name, t.kind === 'nullable' ? t.underlying : t, p.pos);
      const write = c.writeVar(local);
      const cast = runtimeCast(t);
      return (f, v) => {
        if (!test(v)) return false;
        write(f, cast(v));
        return true;
      };
    }
    case 'constant':
      return constantTest(c, p.value);
    case 'relational': {
      const b = compileExpr(c, p.value);
      if (!b.constant) c.fail('Type', 'A relational pattern needs a constant value.', p.value.pos);
      const k = toNumber(b.constant.value);
      const op = p.op;
      return (_f, v) => {
        if (v === null || v === undefined || (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'string')) return false;
        const n = toNumber(v);
        return op === '<' ? n < k : op === '<=' ? n <= k : op === '>' ? n > k : n >= k;
      };
    }
    case 'not': {
      const inner = compilePattern(c, p.pattern, input);
      return (f, v) => !inner(f, v);
    }
    case 'and': {
      const l = compilePattern(c, p.left, input);
      const r = compilePattern(c, p.right, input);
      return (f, v) => l(f, v) && r(f, v);
    }
    case 'or': {
      const l = compilePattern(c, p.left, input);
      const r = compilePattern(c, p.right, input);
      return (f, v) => l(f, v) || r(f, v);
    }
  }
}

export function compileIs(c: Compiler, e: Extract<Expr, { kind: 'is' }>): Bound {
  const operand = compileExpr(c, e.operand);
  if (operand.type.kind === 'void') c.fail('Type', 'A void expression cannot be tested with is.', e.pos);
  const test = compilePattern(c, e.pattern, operand.type);
  const ev = operand.eval;
  return { type: T.bool(), eval: (f) => test(f, ev(f)) };
}

export function compileAs(c: Compiler, e: Extract<Expr, { kind: 'as' }>): Bound {
  const operand = compileExpr(c, e.operand);
  const t = c.resolveType(e.type);
  if (isValueType(t) && t.kind !== 'nullable') {
    return c.fail('Type', `The as operator must be used with a reference type or nullable type ('${typeName(t)}' is a non-nullable value type).`, e.type.pos);
  }
  const test = runtimeIs(t);
  const cast = runtimeCast(t);
  const ev = operand.eval;
  return {
    type: t,
    eval: (f) => {
      const v = ev(f);
      return v !== null && v !== undefined && test(v) ? cast(v) : null;
    },
  };
}
