/**
 * Method calls: argument-to-parameter mapping (positional, named, optional, `params`, `out`),
 * generic type inference (including lambda return types, so `Select(x => x.Length)` is an
 * `IEnumerable<int>`), C#'s "better function member" overload choice, and the closure that
 * performs the call at run time.
 */
import { ExpressionCompileError } from '../errors.js';
import type { Argument, Expr, Pos } from '../syntax/ast.js';
import type { ClrType, MethodDef, ParamDef, Substitution } from '../types/model.js';
import { MemberBindError, VOID, asInvoker, containsTypeParam, sameType, substitute, typeName } from '../types/model.js';
import { DEFAULT_OF_TYPE } from '../types/signature.js';
import { defaultValueOf, findView, implicitConversion } from '../types/conversions.js';
import { delegateShape } from '../types/well-known.js';
import { nullReference } from '../runtime/exceptions.js';
import type { Compiler, Bound } from './compiler.js';
import type { Eval, Frame } from './frame.js';
import { compileExpr } from './expressions.js';
import { compileLambda, type CompiledLambda } from './lambdas.js';

export interface Candidate {
  readonly method: MethodDef;
  /** Type arguments of the declaring generic type (List<T>'s T). */
  readonly subst: Substitution;
}

export interface CallSite {
  readonly pos: Pos;
  /** Shown in messages, e.g. `String.Substring`. */
  readonly displayName: string;
  readonly member: string;
}

type LambdaExpr = Extract<Expr, { kind: 'lambda' }>;

interface PreparedArg {
  readonly pos: Pos;
  readonly name?: string;
  readonly modifier?: 'out' | 'ref' | 'in';
  readonly bound?: Bound;
  readonly lambda?: LambdaExpr;
  readonly outDecl?: { readonly type?: ClrType; readonly name: string; readonly pos: Pos };
}

interface Applicable {
  readonly cand: Candidate;
  readonly subst: Map<string, ClrType>;
  readonly typeArgs: ClrType[];
  /** Parameter index for each argument. */
  readonly argToParam: number[];
  readonly expanded: boolean;
  readonly paramTypes: ClrType[];
  /** Conversion score per argument (identity 3, implicit 2, user-defined 1, lambda 2). */
  readonly scores: number[];
  readonly lambdas: Map<number, CompiledLambda>;
  readonly defaultsUsed: number;
}

/** Compile the arguments once; lambdas and `out var` wait for the parameter types. */
export function prepareArgs(c: Compiler, args: readonly Argument[]): PreparedArg[] {
  return args.map((a) => {
    if (a.value.kind === 'lambda') return { pos: a.pos, name: a.name, lambda: a.value };
    if (a.modifier === 'out' && a.value.kind === 'declaration') {
      const t = a.value.type.kind === 'var' ? undefined : c.resolveType(a.value.type);
      return { pos: a.pos, name: a.name, modifier: 'out', outDecl: { type: t, name: a.value.name, pos: a.value.pos } };
    }
    if (a.modifier === 'out' && a.value.kind === 'name' && a.value.name === '_') {
      return { pos: a.pos, name: a.name, modifier: 'out', outDecl: { name: '_', pos: a.value.pos } };
    }
    const bound = compileExpr(c, a.value);
    if ((a.modifier === 'out' || a.modifier === 'ref') && !bound.lvalue) {
      c.fail('Type', `A ${a.modifier} argument must be an assignable variable.`, a.pos);
    }
    return { pos: a.pos, name: a.name, modifier: a.modifier, bound };
  });
}

export function receiverArg(receiver: Bound, pos: Pos): PreparedArg {
  return { pos, bound: receiver };
}

function paramElementType(p: ParamDef, t: ClrType): ClrType {
  return p.modifier === 'params' && t.kind === 'array' ? t.element : t;
}

/** Map arguments to parameters; undefined when the shapes do not fit. */
function mapArguments(params: readonly ParamDef[], args: readonly PreparedArg[], expanded: boolean): number[] | undefined {
  const map: number[] = [];
  const filled = new Set<number>();
  let positional = 0;
  const paramsIndex = params.findIndex((p) => p.modifier === 'params');
  for (const a of args) {
    if (a.name !== undefined) {
      const idx = params.findIndex((p) => p.name === a.name);
      if (idx < 0 || filled.has(idx)) return undefined;
      map.push(idx);
      filled.add(idx);
      continue;
    }
    if (expanded && paramsIndex >= 0 && positional >= paramsIndex) {
      map.push(paramsIndex);
      filled.add(paramsIndex);
      continue;
    }
    if (positional >= params.length) return undefined;
    map.push(positional);
    filled.add(positional);
    positional++;
  }
  for (let i = 0; i < params.length; i++) {
    if (filled.has(i)) continue;
    if (params[i].defaultValue) continue;
    if (expanded && i === paramsIndex) continue;
    return undefined;
  }
  return map;
}

/** Infer method type parameters from a parameter type and an argument type. */
function unify(p: ClrType, a: ClrType, open: ReadonlySet<string>, bindings: Map<string, ClrType>): void {
  switch (p.kind) {
    case 'param': {
      if (!open.has(p.name) || a.kind === 'null') return;
      const prev = bindings.get(p.name);
      if (!prev) bindings.set(p.name, a);
      else if (!sameType(prev, a) && implicitConversion(prev, a) && !implicitConversion(a, prev)) bindings.set(p.name, a);
      return;
    }
    case 'array':
      if (a.kind === 'array') unify(p.element, a.element, open, bindings);
      return;
    case 'nullable':
      unify(p.underlying, a.kind === 'nullable' ? a.underlying : a, open, bindings);
      return;
    case 'named': {
      if (!p.args.length) return;
      const view = a.kind === 'named' && a.def === p.def ? a : findView(a, p.def);
      if (view) p.args.forEach((pa, i) => unify(pa, view.args[i], open, bindings));
      return;
    }
    default:
      return;
  }
}

function tryLambda(c: Compiler, lambda: LambdaExpr, paramType: ClrType, errors: ExpressionCompileError[]): CompiledLambda | undefined {
  const shape = delegateShape(paramType);
  if (!shape || shape.params.length !== lambda.params.length) return undefined;
  if (shape.params.some(containsTypeParam)) return undefined;
  const returns = containsTypeParam(shape.returns) ? undefined : shape.returns;
  try {
    return compileLambda(c, lambda, shape.params, returns);
  } catch (e) {
    if (e instanceof ExpressionCompileError) {
      errors.push(e);
      return undefined;
    }
    throw e;
  }
}

function checkCandidate(c: Compiler, cand: Candidate, args: readonly PreparedArg[], explicitTypeArgs: readonly ClrType[] | undefined, lambdaErrors: ExpressionCompileError[]): Applicable | undefined {
  const m = cand.method;
  if (explicitTypeArgs && explicitTypeArgs.length !== m.typeParams.length) return undefined;
  const hasParams = m.params.some((p) => p.modifier === 'params');
  const forms = hasParams ? [false, true] : [false];
  for (const expanded of forms) {
    const argToParam = mapArguments(m.params, args, expanded);
    if (!argToParam) continue;
    const rawParamType = (i: number): ClrType => {
      const p = m.params[argToParam[i]];
      const t = substitute(p.type, cand.subst);
      return expanded ? paramElementType(p, t) : t;
    };
    // Out/ref agreement.
    if (args.some((a, i) => (a.modifier === 'out') !== (m.params[argToParam[i]].modifier === 'out'))) continue;

    const open = new Set(m.typeParams);
    const bindings = new Map<string, ClrType>();
    if (explicitTypeArgs) m.typeParams.forEach((tp, i) => bindings.set(tp, explicitTypeArgs[i]));
    else {
      args.forEach((a, i) => {
        if (a.bound) unify(rawParamType(i), a.bound.type, open, bindings);
      });
    }
    const lambdas = new Map<number, CompiledLambda>();
    // Lambdas: bind once their input types are known, then learn their return types.
    for (let round = 0; round < 4; round++) {
      let progress = false;
      args.forEach((a, i) => {
        if (!a.lambda || lambdas.has(i)) return;
        const pt = substitute(rawParamType(i), bindings);
        const compiled = tryLambda(c, a.lambda, pt, lambdaErrors);
        if (!compiled) return;
        lambdas.set(i, compiled);
        const shape = delegateShape(rawParamType(i));
        if (shape && !explicitTypeArgs) unify(substitute(shape.returns, bindings), compiled.returnType, open, bindings);
        progress = true;
      });
      if (!progress) break;
    }
    if (m.typeParams.some((tp) => !bindings.has(tp))) continue;
    if (args.some((a, i) => a.lambda && !lambdas.has(i))) continue;

    const paramTypes = m.params.map((p) => substitute(substitute(p.type, cand.subst), bindings));
    const scores: number[] = [];
    let ok = true;
    args.forEach((a, i) => {
      if (!ok) return;
      const pt = substitute(rawParamType(i), bindings);
      if (a.lambda) {
        const lam = lambdas.get(i)!;
        const shape = delegateShape(pt);
        if (!shape || (shape.returns.kind !== 'void' && !implicitConversion(lam.returnType, shape.returns))) ok = false;
        scores.push(2);
      } else if (a.outDecl) {
        if (a.outDecl.type && !sameType(a.outDecl.type, pt)) ok = false;
        scores.push(3);
      } else if (a.modifier === 'out' || a.modifier === 'ref') {
        if (!sameType(a.bound!.type, pt)) ok = false;
        scores.push(3);
      } else {
        const conv = a.bound!.isThrow ? { score: 2 } : implicitConversion(a.bound!.type, pt, a.bound!.constant);
        if (!conv) ok = false;
        else scores.push(conv.score);
      }
    });
    if (!ok) continue;
    const defaultsUsed = m.params.length - new Set(argToParam).size;
    return {
      cand,
      subst: bindings,
      typeArgs: m.typeParams.map((tp) => bindings.get(tp)!),
      argToParam,
      expanded,
      paramTypes,
      scores,
      lambdas,
      defaultsUsed,
    };
  }
  return undefined;
}

function paramTypeForArg(a: Applicable, i: number): ClrType {
  const p = a.cand.method.params[a.argToParam[i]];
  const t = a.paramTypes[a.argToParam[i]];
  return a.expanded ? paramElementType(p, t) : t;
}

/** C#'s "better function member": no argument converts worse, at least one converts better. */
function better(x: Applicable, y: Applicable): boolean {
  let anyBetter = false;
  for (let i = 0; i < x.scores.length; i++) {
    const px = paramTypeForArg(x, i);
    const py = paramTypeForArg(y, i);
    let cmp = x.scores[i] - y.scores[i];
    if (cmp === 0 && !sameType(px, py)) {
      const xy = implicitConversion(px, py);
      const yx = implicitConversion(py, px);
      if (xy && !yx) cmp = 1;
      else if (yx && !xy) cmp = -1;
    }
    if (cmp < 0) return false;
    if (cmp > 0) anyBetter = true;
  }
  if (anyBetter) return true;
  if (x.expanded !== y.expanded) return !x.expanded;
  if (x.cand.method.typeParams.length !== y.cand.method.typeParams.length) return x.cand.method.typeParams.length < y.cand.method.typeParams.length;
  return x.defaultsUsed < y.defaultsUsed;
}

function pickBest(applicable: Applicable[]): Applicable {
  let best = applicable[0];
  for (const a of applicable.slice(1)) if (better(a, best)) best = a;
  return best;
}

function argTypeText(a: PreparedArg): string {
  if (a.lambda) return 'lambda expression';
  if (a.outDecl) return `out ${a.outDecl.type ? typeName(a.outDecl.type) : 'var'}`;
  return (a.modifier ? `${a.modifier} ` : '') + typeName(a.bound!.type);
}

/** Pick the overload and produce the call. Returns undefined when no candidate applies. */
export function tryBindCall(
  c: Compiler,
  site: CallSite,
  candidates: readonly Candidate[],
  receiver: Bound | undefined,
  args: readonly PreparedArg[],
  explicitTypeArgs: readonly ClrType[] | undefined,
  picked?: { cand?: Candidate },
): Bound | undefined {
  const lambdaErrors: ExpressionCompileError[] = [];
  const applicable = candidates
    .map((cand) => checkCandidate(c, cand, cand.method.isExtension && receiver ? [receiverArg(receiver, site.pos), ...args] : args, explicitTypeArgs, lambdaErrors))
    .filter((a): a is Applicable => a !== undefined);
  if (!applicable.length) {
    if (lambdaErrors.length) throw lambdaErrors[0];
    return undefined;
  }
  const best = pickBest(applicable);
  if (picked) picked.cand = best.cand;
  const fullArgs = best.cand.method.isExtension && receiver ? [receiverArg(receiver, site.pos), ...args] : [...args];
  return emitCall(c, site, best, best.cand.method.isExtension ? undefined : receiver, fullArgs);
}

export function bindCall(
  c: Compiler,
  site: CallSite,
  candidates: readonly Candidate[],
  receiver: Bound | undefined,
  args: readonly PreparedArg[],
  explicitTypeArgs?: readonly ClrType[],
  picked?: { cand?: Candidate },
): Bound {
  const bound = tryBindCall(c, site, candidates, receiver, args, explicitTypeArgs, picked);
  if (bound) return bound;
  return failNoOverload(c, site, candidates, args);
}

export function failNoOverload(c: Compiler, site: CallSite, candidates: readonly Candidate[], args: readonly PreparedArg[]): never {
  const shown = `(${args.map(argTypeText).join(', ')})`;
  if (candidates.length === 1) {
    const m = candidates[0].method;
    const params = m.isExtension ? m.params.slice(1) : m.params;
    const sig = `${site.displayName}(${params.map((p) => `${p.modifier && p.modifier !== 'this' ? p.modifier + ' ' : ''}${typeName(substitute(p.type, candidates[0].subst))} ${p.name}`).join(', ')})`;
    return c.fail('Type', `The arguments ${shown} do not match ${sig}.`, site.pos, site.member);
  }
  return c.fail('Type', `No overload of '${site.displayName}' accepts the arguments ${shown}.`, site.pos, site.member);
}

interface OutWrite {
  readonly index: number;
  readonly write: (f: Frame, v: unknown) => void;
}

function defaultArgument(p: ParamDef, t: ClrType): unknown {
  const raw = p.defaultValue!.value;
  if (raw === DEFAULT_OF_TYPE) return defaultValueOf(t);
  if (typeof raw === 'number' && t.kind === 'primitive' && (t.name === 'long' || t.name === 'ulong')) return BigInt(raw);
  return raw;
}

function makeArray(element: ClrType, values: unknown[]): unknown {
  return element.kind === 'primitive' && element.name === 'byte' ? Uint8Array.from(values as number[]) : values;
}

function emitCall(c: Compiler, site: CallSite, a: Applicable, instance: Bound | undefined, args: readonly PreparedArg[]): Bound {
  const m = a.cand.method;
  const params = m.params;
  const paramEvals: (Eval | undefined)[] = new Array<Eval | undefined>(params.length);
  const expandedItems: Eval[] = [];
  const outs: OutWrite[] = [];
  const argTypes: ClrType[] = params.map((_, i) => a.paramTypes[i]);

  args.forEach((arg, i) => {
    const pi = a.argToParam[i];
    const pt = paramTypeForArg(a, i);
    let ev: Eval;
    if (arg.lambda) {
      ev = a.lambdas.get(i)!.eval;
    } else if (arg.outDecl) {
      const v = c.declareLocal(arg.outDecl.name, arg.outDecl.type ?? pt, arg.outDecl.pos);
      outs.push({ index: pi, write: c.writeVar(v) });
      ev = () => undefined;
    } else if (arg.modifier === 'out' || arg.modifier === 'ref') {
      const lv = arg.bound!.lvalue!;
      const read = arg.bound!.eval;
      outs.push({ index: pi, write: (f, v) => lv.assign(() => v)(f) });
      ev = arg.modifier === 'ref' ? read : () => undefined;
    } else {
      ev = c.convertImplicit(arg.bound!, pt, arg.pos);
      if (i === 0 && m.isExtension) argTypes[0] = arg.bound!.type;
    }
    if (a.expanded && params[pi].modifier === 'params') expandedItems.push(ev);
    else paramEvals[pi] = ev;
  });
  params.forEach((p, i) => {
    if (paramEvals[i]) return;
    if (a.expanded && p.modifier === 'params') {
      const element = a.paramTypes[i].kind === 'array' ? a.paramTypes[i].element : a.paramTypes[i];
      const items = expandedItems;
      paramEvals[i] = (f) => makeArray(element, items.map((e) => e(f)));
    } else {
      const value = defaultArgument(p, a.paramTypes[i]);
      paramEvals[i] = () => value;
    }
  });

  const returnType = substitute(substitute(m.returns, a.cand.subst), a.subst);
  let fn: (...xs: unknown[]) => unknown;
  try {
    fn = m.bind
      ? asInvoker(m.bind({ typeArgs: a.typeArgs, receiverType: instance?.type ?? (m.isExtension ? args[0].bound?.type : undefined), argTypes, returnType }))
      : asInvoker(m.impl!);
  } catch (err) {
    if (err instanceof MemberBindError) return c.fail('Type', err.message, site.pos, site.member);
    throw err;
  }
  const evals = paramEvals as Eval[];
  const hasOuts = outs.length > 0;
  if (instance && instance.type.kind === 'nullable') {
    // Nullable<T> members run on null values (GetValueOrDefault, HasValue).
    const recv = instance.eval;
    return { type: m.returns.kind === 'void' ? VOID : returnType, eval: (f) => fn(recv(f), ...evals.map((e) => e(f))) ?? null };
  }
  let call: Eval;
  if (hasOuts) {
    const outIndexes = new Set(outs.map((o) => o.index));
    call = (f) => {
      const recv = instance ? instance.eval(f) : undefined;
      if (instance && (recv === null || recv === undefined)) throw nullReference();
      // out/ref parameters receive a cell the implementation writes through.
      const cells = evals.map((e, i) => (outIndexes.has(i) ? { value: e(f) } : e(f)));
      const result = instance ? fn(recv, ...cells) : fn(...cells);
      for (const o of outs) o.write(f, (cells[o.index] as { value: unknown }).value);
      return result;
    };
  } else if (instance) {
    const recv = instance.eval;
    switch (evals.length) {
      case 0:
        call = (f) => {
          const r = recv(f);
          if (r === null || r === undefined) throw nullReference();
          return fn(r);
        };
        break;
      case 1: {
        const [a0] = evals;
        call = (f) => {
          const r = recv(f);
          if (r === null || r === undefined) throw nullReference();
          return fn(r, a0(f));
        };
        break;
      }
      case 2: {
        const [a0, a1] = evals;
        call = (f) => {
          const r = recv(f);
          if (r === null || r === undefined) throw nullReference();
          return fn(r, a0(f), a1(f));
        };
        break;
      }
      default:
        call = (f) => {
          const r = recv(f);
          if (r === null || r === undefined) throw nullReference();
          return fn(r, ...evals.map((e) => e(f)));
        };
    }
  } else {
    switch (evals.length) {
      case 0:
        call = () => fn();
        break;
      case 1: {
        const [a0] = evals;
        call = (f) => fn(a0(f));
        break;
      }
      case 2: {
        const [a0, a1] = evals;
        call = (f) => fn(a0(f), a1(f));
        break;
      }
      default:
        call = (f) => fn(...evals.map((e) => e(f)));
    }
  }
  const type = m.returns.kind === 'void' ? VOID : returnType;
  return { type, eval: normalizeUndefined(call) };
}

/** Runtime functions may return undefined for "nothing"; C# only has null. */
function normalizeUndefined(ev: Eval): Eval {
  return (f) => {
    const v = ev(f);
    return v === undefined ? null : v;
  };
}
