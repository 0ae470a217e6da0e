/**
 * Unary, binary and assignment operators with C#'s typing: binary numeric promotion,
 * string concatenation, lifted nullable operators, `??`, short-circuit `&&`/`||`, and
 * user-defined operators (DateTime − DateTime → TimeSpan) declared as `op_*` members.
 */
import type { Expr, Pos } from '../syntax/ast.js';
import type { ClrType, PrimitiveName } from '../types/model.js';
import { isPrimitive, isValueType, nullableOf, primitive, sameType, typeName } from '../types/model.js';
import { explicitConversion, implicitConversion } from '../types/conversions.js';
import { T, isObjectType, isStringType } from '../types/well-known.js';
import { numericConverter } from '../runtime/numeric.js';
import { clrEquals } from '../runtime/object.js';
import {
  arithmetic,
  bitwise,
  compare,
  complement,
  negate,
  shift,
  step,
  type BinaryFn,
} from '../runtime/arithmetic.js';
import { applyConverter, type Bound, type Compiler } from './compiler.js';
import { evaluateConstant, type Eval } from './frame.js';
import { compileExpr } from './expressions.js';
import { stringifier } from './strings.js';
import { tryBindCall, type Candidate } from './calls.js';
import { findStaticMethods } from './members.js';

const OPERATOR_METHODS: Readonly<Record<string, string>> = {
  '+': 'op_Addition',
  '-': 'op_Subtraction',
  '*': 'op_Multiply',
  '/': 'op_Division',
  '%': 'op_Modulus',
  '==': 'op_Equality',
  '!=': 'op_Inequality',
  '<': 'op_LessThan',
  '>': 'op_GreaterThan',
  '<=': 'op_LessThanOrEqual',
  '>=': 'op_GreaterThanOrEqual',
};

const SMALL_INTEGRAL = new Set<PrimitiveName>(['sbyte', 'byte', 'short', 'ushort', 'char']);
const SIGNED = new Set<PrimitiveName>(['sbyte', 'short', 'int', 'long']);

function underlyingNumeric(t: ClrType): PrimitiveName | undefined {
  const base = t.kind === 'nullable' ? t.underlying : t;
  if (base.kind === 'primitive' && base.name !== 'bool') return base.name;
  return undefined;
}

function isNonNegativeIntConstant(b: Bound): boolean {
  return !!b.constant && typeof b.constant.value === 'number' && b.constant.value >= 0 && Number.isInteger(b.constant.value);
}

/** C# binary numeric promotion; undefined when the pair is not allowed. */
export function promote(l: PrimitiveName, r: PrimitiveName, lb?: Bound, rb?: Bound): PrimitiveName | undefined {
  if (l === 'decimal' || r === 'decimal') return 'decimal';
  if (l === 'double' || r === 'double') return 'double';
  if (l === 'float' || r === 'float') return 'float';
  if (l === 'ulong' || r === 'ulong') {
    const other = l === 'ulong' ? r : l;
    const otherBound = l === 'ulong' ? rb : lb;
    if (SIGNED.has(other) && !(otherBound && isNonNegativeIntConstant(otherBound))) return undefined;
    return 'ulong';
  }
  if (l === 'long' || r === 'long') return 'long';
  if (l === 'uint' || r === 'uint') {
    const other = l === 'uint' ? r : l;
    const otherBound = l === 'uint' ? rb : lb;
    if (SIGNED.has(other) && !(otherBound && isNonNegativeIntConstant(otherBound))) return 'long';
    return 'uint';
  }
  return 'int';
}

export function unaryPromote(t: PrimitiveName): PrimitiveName {
  return SMALL_INTEGRAL.has(t) ? 'int' : t;
}

function convertTo(b: Bound, from: PrimitiveName, to: PrimitiveName): Eval {
  return applyConverter(b.eval, numericConverter(from, to, false));
}

function fail(c: Compiler, op: string, l: ClrType, r: ClrType, pos: Pos): never {
  return c.fail('Type', `Operator '${op}' cannot be applied to operands of type '${typeName(l)}' and '${typeName(r)}'.`, pos, op);
}

/** Lift a binary function over nullable operands: null in, null out. */
function lifted(le: Eval, re: Eval, fn: BinaryFn, nullable: boolean, nullResult: unknown = null): Eval {
  if (!nullable) return (f) => fn(le(f), re(f));
  return (f) => {
    const a = le(f);
    const b = re(f);
    return a === null || b === null ? nullResult : fn(a, b);
  };
}

function foldIfConstant(l: Bound, r: Bound, type: ClrType, ev: Eval): Bound {
  if (l.constant && r.constant) {
    try {
      const value = evaluateConstant(ev);
      return { type, eval: () => value, constant: { value } };
    } catch {
      // Division by a constant zero etc. fails at run time, as in C#.
    }
  }
  return { type, eval: ev };
}

function userOperator(c: Compiler, op: string, l: Bound, r: Bound, pos: Pos): Bound | undefined {
  const name = OPERATOR_METHODS[op];
  if (!name) return undefined;
  const candidates: Candidate[] = [];
  for (const t of [l.type, r.type]) {
    const base = t.kind === 'nullable' ? t.underlying : t;
    if (base.kind === 'named') for (const m of findStaticMethods(base.def, name)) candidates.push({ method: m, subst: new Map() });
  }
  if (!candidates.length) return undefined;
  const strip = (b: Bound): Bound => (b.type.kind === 'nullable' ? { ...b, type: b.type.underlying } : b);
  const nullable = l.type.kind === 'nullable' || r.type.kind === 'nullable';
  const call = tryBindCall(c, { pos, displayName: `operator ${op}`, member: op }, candidates, undefined, [
    { pos, bound: strip(l) },
    { pos, bound: strip(r) },
  ], undefined);
  if (!call || !nullable) return call;
  // Lifted user-defined operator: null operands give null (or false for comparisons).
  const isComparison = ['<', '>', '<=', '>=', '==', '!='].includes(op);
  const le = l.eval;
  const re = r.eval;
  const inner = call.eval;
  return {
    type: isComparison ? T.bool() : nullableOf(call.type),
    eval: (f) => {
      const a = le(f);
      const b = re(f);
      if (a === null || b === null) {
        if (op === '==') return a === b;
        if (op === '!=') return a !== b;
        return isComparison ? false : null;
      }
      return inner(f);
    },
  };
}

function compileEquality(c: Compiler, op: '==' | '!=', l: Bound, r: Bound, pos: Pos): Bound {
  const neg = op === '!=';
  const wrap = (ev: Eval): Eval => (neg ? (f) => !(ev(f) as boolean) : ev);
  const bool = T.bool();
  // x == null
  if (l.type.kind === 'null' || r.type.kind === 'null') {
    const other = l.type.kind === 'null' ? r : l;
    if (isValueType(other.type) && other.type.kind !== 'null') fail(c, op, l.type, r.type, pos);
    const ev = other.eval;
    return { type: bool, eval: wrap((f) => ev(f) === null) };
  }
  const ln = underlyingNumeric(l.type);
  const rn = underlyingNumeric(r.type);
  if (ln && rn) {
    const p = promote(ln, rn, l, r);
    if (!p) return fail(c, op, l.type, r.type, pos);
    const le = convertTo(l, ln, p);
    const re = convertTo(r, rn, p);
    const nullable = l.type.kind === 'nullable' || r.type.kind === 'nullable';
    const eq: Eval = nullable
      ? (f) => {
          const a = le(f);
          const b = re(f);
          return a === null || b === null ? a === b : a === b || (Number.isNaN(a) && false);
        }
      : (f) => le(f) === re(f);
    return foldIfConstant(l, r, bool, wrap(eq));
  }
  const user = userOperator(c, op, l, r, pos);
  if (user) return user;
  const both = (pred: (t: ClrType) => boolean): boolean => pred(l.type) && pred(r.type);
  const le = l.eval;
  const re = r.eval;
  if (both((t) => isPrimitive(t, 'bool') || (t.kind === 'nullable' && isPrimitive(t.underlying, 'bool'))) || both(isStringType) || both((t) => t.kind === 'named' && t.def.isEnum)) {
    if (l.type.kind === 'named' && r.type.kind === 'named' && l.type.def.isEnum && l.type.def !== r.type.def) fail(c, op, l.type, r.type, pos);
    return foldIfConstant(l, r, bool, wrap((f) => le(f) === re(f)));
  }
  if (isValueType(l.type) !== isValueType(r.type) && !isObjectType(l.type) && !isObjectType(r.type) && l.type.kind !== 'dynamic' && r.type.kind !== 'dynamic') {
    return fail(c, op, l.type, r.type, pos);
  }
  if (isValueType(l.type) && isValueType(r.type) && !sameType(l.type, r.type)) return fail(c, op, l.type, r.type, pos);
  if (isStringType(l.type) || isStringType(r.type) || isObjectType(l.type) || isObjectType(r.type)) {
    // C# compares object and string references here; comparing values is what policy
    // authors mean (a variable holding "" equals string.Empty) and never less safe.
    return { type: bool, eval: wrap((f) => clrEquals(le(f), re(f))) };
  }
  return { type: bool, eval: wrap((f) => le(f) === re(f)) };
}

function compileConcat(l: Bound, r: Bound): Bound {
  const ls = stringifier(l.type);
  const rs = stringifier(r.type);
  const le = l.eval;
  const re = r.eval;
  const ev: Eval = (f) => ls(le(f)) + rs(re(f));
  return foldIfConstant(l, r, T.string(), ev);
}

function compileCoalesce(c: Compiler, l: Bound, right: Expr, pos: Pos): Bound {
  if (isValueType(l.type) && l.type.kind !== 'nullable') {
    c.fail('Type', `Operator '??' cannot be applied to operands of type '${typeName(l.type)}'.`, pos, '??');
  }
  const target = l.type.kind === 'nullable' ? l.type.underlying : l.type;
  const r = compileExpr(c, right, target.kind === 'null' ? undefined : target);
  const le = l.eval;
  let type: ClrType;
  let re: Eval;
  if (r.isThrow) {
    type = target;
    re = r.eval;
  } else if (l.type.kind === 'nullable' && implicitConversion(r.type, target, r.constant)) {
    type = target;
    re = c.convertImplicit(r, target, right.pos);
  } else if (implicitConversion(r.type, l.type, r.constant)) {
    type = l.type.kind === 'null' ? r.type : l.type;
    re = c.convertImplicit(r, type, right.pos);
  } else if (implicitConversion(l.type, r.type)) {
    type = r.type;
    const lc = c.convertImplicit(l, r.type, pos);
    return { type, eval: (f) => (le(f) === null ? r.eval(f) : lc(f)) };
  } else {
    return fail(c, '??', l.type, r.type, pos);
  }
  return {
    type,
    eval: (f) => {
      const v = le(f);
      return v === null || v === undefined ? re(f) : v;
    },
  };
}

export function compileBinary(c: Compiler, e: Extract<Expr, { kind: 'binary' }>): Bound {
  const op = e.op;
  if (op === '&&' || op === '||') {
    const bool = T.bool();
    const l = c.convertImplicit(compileExpr(c, e.left), bool, e.left.pos);
    const r = c.convertImplicit(compileExpr(c, e.right), bool, e.right.pos);
    return { type: bool, eval: op === '&&' ? (f) => (l(f) as boolean) && (r(f)) : (f) => (l(f)) || (r(f)) };
  }
  const l = compileExpr(c, e.left);
  if (op === '??') return compileCoalesce(c, l, e.right, e.pos);
  const r = compileExpr(c, e.right);
  return binaryOnBounds(c, op, l, r, e.pos);
}

/** A binary operator over compiled operands (also used by compound assignment). */
export function binaryOnBounds(c: Compiler, op: string, l: Bound, r: Bound, pos: Pos): Bound {
  const e = { pos };
  if (l.type.kind === 'void' || r.type.kind === 'void') return fail(c, op, l.type, r.type, e.pos);
  if (op === '==' || op === '!=') return compileEquality(c, op, l, r, e.pos);

  if (op === '+' && (isStringType(l.type) || isStringType(r.type))) return compileConcat(l, r);

  const ln = underlyingNumeric(l.type);
  const rn = underlyingNumeric(r.type);
  const nullable = l.type.kind === 'nullable' || r.type.kind === 'nullable';

  if (op === '<<' || op === '>>' || op === '>>>') {
    if (!ln || !rn || ln === 'float' || ln === 'double' || ln === 'decimal') return fail(c, op, l.type, r.type, e.pos);
    const lt = unaryPromote(ln);
    const le = convertTo(l, ln, lt);
    const re = convertTo(r, rn, 'int');
    const type = nullable ? nullableOf(primitive(lt)) : primitive(lt);
    return foldIfConstant(l, r, type, lifted(le, re, shift(op, lt), nullable));
  }

  if (op === '&' || op === '|' || op === '^') {
    const isBool = (t: ClrType): boolean => isPrimitive(t, 'bool') || (t.kind === 'nullable' && isPrimitive(t.underlying, 'bool'));
    if (isBool(l.type) && isBool(r.type)) {
      const type = nullable ? nullableOf(T.bool()) : T.bool();
      return { type, eval: lifted(l.eval, r.eval, bitwise(op, 'bool'), nullable) };
    }
    if (l.type.kind === 'named' && l.type.def.isEnum && sameType(l.type, r.type)) {
      return { type: l.type, eval: lifted(l.eval, r.eval, bitwise(op, 'int'), false) };
    }
    if (!ln || !rn) return fail(c, op, l.type, r.type, e.pos);
    const p = promote(ln, rn, l, r);
    if (!p || p === 'float' || p === 'double' || p === 'decimal') return fail(c, op, l.type, r.type, e.pos);
    const type = nullable ? nullableOf(primitive(p)) : primitive(p);
    return foldIfConstant(l, r, type, lifted(convertTo(l, ln, p), convertTo(r, rn, p), bitwise(op, p), nullable));
  }

  if (ln && rn) {
    const p = promote(ln, rn, l, r);
    if (!p) return fail(c, op, l.type, r.type, e.pos);
    const le = convertTo(l, ln, p);
    const re = convertTo(r, rn, p);
    if (op === '<' || op === '>' || op === '<=' || op === '>=') {
      return foldIfConstant(l, r, T.bool(), lifted(le, re, compare(op), nullable, false));
    }
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
      const type = nullable ? nullableOf(primitive(p)) : primitive(p);
      if (l.constant && r.constant) {
        const strict = lifted(le, re, arithmetic(op, p, true), nullable);
        c.checkConstantOverflow(() => evaluateConstant(strict), e.pos);
      }
      return foldIfConstant(l, r, type, lifted(le, re, arithmetic(op, p, c.checked), nullable));
    }
  }
  const user = userOperator(c, op, l, r, e.pos);
  if (user) return user;
  return fail(c, op, l.type, r.type, e.pos);
}

function requireLValue(c: Compiler, b: Bound, pos: Pos): NonNullable<Bound['lvalue']> {
  if (!b.lvalue) return c.fail('Type', 'The left-hand side of an assignment must be a variable, property or indexer.', pos);
  return b.lvalue;
}

export function compileUnary(c: Compiler, e: Extract<Expr, { kind: 'unary' }>): Bound {
  const operand = compileExpr(c, e.operand);
  const t = operand.type;
  const n = underlyingNumeric(t);
  const nullable = t.kind === 'nullable';
  const liftUnary = (fn: (a: unknown) => unknown): Eval => {
    const ev = operand.eval;
    return nullable
      ? (f) => {
          const v = ev(f);
          return v === null ? null : fn(v);
        }
      : (f) => fn(ev(f));
  };
  const fold = (type: ClrType, ev: Eval): Bound => {
    if (operand.constant) {
      const value = evaluateConstant(ev);
      return { type, eval: () => value, constant: { value } };
    }
    return { type, eval: ev };
  };
  switch (e.op) {
    case '!': {
      if (!isPrimitive(t, 'bool') && !(nullable && isPrimitive(t.underlying, 'bool'))) {
        return c.fail('Type', `Operator '!' cannot be applied to operand of type '${typeName(t)}'.`, e.pos, '!');
      }
      return fold(t, liftUnary((a) => !(a as boolean)));
    }
    case '-':
    case '+':
    case '~': {
      if (!n) return c.fail('Type', `Operator '${e.op}' cannot be applied to operand of type '${typeName(t)}'.`, e.pos, e.op);
      let p = unaryPromote(n);
      if (e.op === '-' && p === 'uint') p = 'long';
      if (e.op === '-' && p === 'ulong') return c.fail('Type', "Operator '-' cannot be applied to operand of type 'ulong'.", e.pos, '-');
      if (e.op === '~' && (p === 'float' || p === 'double' || p === 'decimal')) {
        return c.fail('Type', `Operator '~' cannot be applied to operand of type '${typeName(t)}'.`, e.pos, '~');
      }
      const conv = numericConverter(n, p, false);
      const fn = e.op === '-' ? negate(p, c.checked) : e.op === '~' ? complement(p) : (a: unknown) => a;
      if (operand.constant && e.op === '-') {
        const strict = negate(p, true);
        const value = operand.constant.value;
        c.checkConstantOverflow(() => strict(conv ? conv(value) : value), e.pos);
      }
      const type = nullable ? nullableOf(primitive(p)) : primitive(p);
      return fold(type, liftUnary(conv ? (a) => fn(conv(a)) : fn));
    }
    case '++':
    case '--': {
      const lv = requireLValue(c, operand, e.pos);
      if (!n) return c.fail('Type', `Operator '${e.op}' cannot be applied to operand of type '${typeName(t)}'.`, e.pos, e.op);
      const inc = step(n, e.op === '++' ? 1 : -1, c.checked);
      const apply = nullable ? (a: unknown) => (a === null ? null : inc(a)) : inc;
      const postfix = e.postfix;
      if (lv.direct) {
        const { read, write } = lv.direct;
        return {
          type: t,
          eval: (f) => {
            const old = read(f);
            const next = apply(old);
            write(f, next);
            return postfix ? old : next;
          },
        };
      }
      return {
        type: t,
        eval: (f) => {
          const acc = lv.access(f);
          const old = acc.get();
          const next = apply(old);
          acc.set(next);
          return postfix ? old : next;
        },
      };
    }
  }
}

export function compileAssign(c: Compiler, e: Extract<Expr, { kind: 'assign' }>): Bound {
  if (e.target.kind === 'name' && e.target.name === '_' && !c.scope.lookup('_')) {
    const value = compileExpr(c, e.value);
    return { type: value.type, eval: value.eval };
  }
  const target = compileExpr(c, e.target);
  const lv = requireLValue(c, target, e.target.pos);
  if (e.op === '=') {
    const value = compileExpr(c, e.value, lv.type);
    return { type: lv.type, eval: lv.assign(c.convertImplicit(value, lv.type, e.value.pos)) };
  }
  if (e.op === '??=') {
    const value = compileExpr(c, e.value, lv.type);
    const ve = c.convertImplicit(value, lv.type, e.value.pos);
    return {
      type: lv.type,
      eval: (f) => {
        const acc = lv.access(f);
        const cur = acc.get();
        if (cur !== null && cur !== undefined) return cur;
        const v = ve(f);
        acc.set(v);
        return v;
      },
    };
  }
  // Compound assignment: x op= y is x = (T)(x op y), evaluating x's location once.
  const binaryOp = e.op.slice(0, -1);
  const slot = c.tempSlot();
  const current: Bound = { type: lv.type, eval: slot.read };
  const value = compileExpr(c, e.value);
  const combined = binaryOnBounds(c, binaryOp, current, value, e.pos);
  const conv = explicitConversion(combined.type, lv.type, c.checked);
  if (!conv) return c.fail('Type', `Cannot convert type '${typeName(combined.type)}' to '${typeName(lv.type)}'.`, e.pos);
  const result = applyConverter(combined.eval, conv.convert);
  if (lv.direct) {
    const { read, write } = lv.direct;
    return {
      type: lv.type,
      eval: (f) => {
        slot.write(f, read(f));
        const v = result(f);
        write(f, v);
        return v;
      },
    };
  }
  return {
    type: lv.type,
    eval: (f) => {
      const acc = lv.access(f);
      slot.write(f, acc.get());
      const v = result(f);
      acc.set(v);
      return v;
    },
  };
}

