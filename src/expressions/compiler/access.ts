/**
 * Names, member access, indexers, calls and `?.`. A dotted name is resolved the way C#
 * does it: a local, `context`, a type (`Encoding`, `System.Text.Encoding`) or a namespace
 * on the way to a type; anything else is a compile error naming the member.
 */
import type { Argument, Expr, Pos } from '../syntax/ast.js';
import type { ClrType, IndexerDef, MethodDef, PropertyDef, Substitution } from '../types/model.js';
import { asInvoker, isValueType, nullableOf, substitute, typeName } from '../types/model.js';
import { allTypeDefs, extensionMethods, findTypeDef, primitiveDef, resolveTypeName } from '../types/registry.js';
import { implicitConversion } from '../types/conversions.js';
import { T, delegateShape } from '../types/well-known.js';
import { indexOutOfRange, nullReference } from '../runtime/exceptions.js';
import { AnonymousObject } from '../runtime/object.js';
import type { Accessor, Bound, Compiler, LValue, Resolution } from './compiler.js';
import { ancestor, childFrame, type Eval, type Frame } from './frame.js';
import { compileExpr } from './expressions.js';
import { bindCall, failNoOverload, prepareArgs, tryBindCall, type Candidate } from './calls.js';
import { findIndexers, findInstanceMethods, findInstanceProperty, findStaticMethods, findStaticProperty, hasAnyMember } from './members.js';
import { hopsBetween } from './scope.js';

const KEYWORD_TYPES = new Set(['string', 'object', 'bool', 'char', 'sbyte', 'byte', 'short', 'ushort', 'int', 'uint', 'long', 'ulong', 'float', 'double', 'decimal']);

function typeFromName(c: Compiler, name: string, typeArgs: readonly ClrType[]): ClrType | undefined {
  if (KEYWORD_TYPES.has(name) && typeArgs.length === 0) return resolveTypeName(name, [], new Set());
  const def = findTypeDef(name, typeArgs.length);
  if (!def) return undefined;
  return resolveTypeName(name, [...typeArgs], new Set());
}

function namespaceExists(ns: string): boolean {
  return allTypeDefs().some((d) => d.namespace === ns || d.namespace.startsWith(`${ns}.`));
}

export function resolve(c: Compiler, e: Expr): Resolution {
  switch (e.kind) {
    case 'name':
      return resolveName(c, e);
    case 'predefinedType':
      return { kind: 'type', type: resolveTypeName(e.name, [], new Set()), pos: e.pos };
    case 'member':
      return resolveMember(c, e);
    default:
      return { kind: 'value', bound: compileExpr(c, e) };
  }
}

function resolveName(c: Compiler, e: Extract<Expr, { kind: 'name' }>): Resolution {
  const sym = c.scope.lookup(e.name);
  if (sym && !e.typeArgs) {
    if (sym.kind === 'function') {
      return c.fail('Type', `Local function '${e.name}' must be called.`, e.pos, e.name);
    }
    const read = c.readVar(sym);
    const write = c.writeVar(sym);
    const lvalue: LValue = {
          type: sym.type,
          assign: (value) => (f) => {
            const v = value(f);
            write(f, v);
            return v;
          },
          access: (f) => ({ get: () => read(f), set: (v) => write(f, v) }),
          direct: { read, write },
        };
    if (sym.constant) {
      const value = sym.constant.value;
      return { kind: 'value', bound: { type: sym.type, eval: () => value, constant: sym.constant } };
    }
    return { kind: 'value', bound: { type: sym.type, eval: read, lvalue } };
  }
  if (e.name === 'context' && !e.typeArgs) {
    return { kind: 'value', bound: { type: c.contextType, eval: (f) => f.ctx } };
  }
  const typeArgs = (e.typeArgs ?? []).map((t) => c.resolveType(t));
  const type = typeFromName(c, e.name, typeArgs);
  if (type) return { kind: 'type', type, pos: e.pos };
  if (!e.typeArgs && namespaceExists(e.name)) return { kind: 'namespace', name: e.name, pos: e.pos };
  return c.fail('UnknownMember', `The name '${e.name}' does not exist in the current context.`, e.pos, e.name);
}

function propertyBound(prop: PropertyDef, subst: Substitution, receiver: Bound | undefined): Bound {
  const type = substitute(prop.type, subst);
  const get = asInvoker(prop.get);
  const set = prop.set ? asInvoker(prop.set) : undefined;
  if (!receiver) {
    if (prop.constant) return { type, eval: () => prop.constant!.value, constant: prop.constant };
    return { type, eval: () => get() ?? null };
  }
  const recv = receiver.eval;
  // Nullable<T> members (HasValue, GetValueOrDefault) are defined on a null value.
  const nullOk = receiver.type.kind === 'nullable';
  const eval_: Eval = (f) => {
    const o = recv(f);
    if ((o === null || o === undefined) && !nullOk) throw nullReference();
    const v = get(o);
    return v === undefined ? null : v;
  };
  if (!set) return { type, eval: eval_ };
  const lvalue: LValue = {
    type,
    assign: (value) => (f) => {
      const o = recv(f);
      if (o === null || o === undefined) throw nullReference();
      const v = value(f);
      set(o, v);
      return v;
    },
    access: (f): Accessor => {
      const o = recv(f);
      if (o === null || o === undefined) throw nullReference();
      return { get: () => get(o), set: (v) => set(o, v) };
    },
  };
  return { type, eval: eval_, lvalue };
}

function memberValue(c: Compiler, receiver: Bound, name: string, pos: Pos): Bound {
  const t = receiver.type;
  if (t.kind === 'anonymous') {
    const field = t.fields.find((fd) => fd.name === name);
    if (field) {
      const recv = receiver.eval;
      return {
        type: field.type,
        eval: (f) => {
          const o = recv(f);
          if (o === null || o === undefined) throw nullReference();
          return (o as AnonymousObject).fields.get(name) ?? null;
        },
      };
    }
  }
  if (t.kind === 'dynamic') return c.fail('UnsupportedSyntax', `Members of a dynamic value cannot be used ('${name}'); cast it to a concrete type first.`, pos, name);
  if (t.kind === 'void') return c.fail('Type', `Cannot access '${name}' on a void expression.`, pos, name);
  if (t.kind === 'null') return c.fail('Type', `Cannot access '${name}' on null.`, pos, name);
  const found = findInstanceProperty(t, name);
  if (found) return propertyBound(found.prop, found.subst, receiver);
  if (findInstanceMethods(t, name).length || extensionMethods(name).length) {
    return c.fail('Type', `'${typeName(t)}.${name}' is a method; call it with parentheses.`, pos, name);
  }
  return c.fail('UnknownMember', `'${typeName(t)}' does not contain a definition for '${name}' (or it is not allowed in policy expressions).`, pos, name);
}

function staticMember(c: Compiler, type: ClrType, name: string, pos: Pos): Bound {
  const def = type.kind === 'named' ? type.def : type.kind === 'primitive' ? primitiveDef(type.name) : undefined;
  if (def) {
    if (def.isEnum && def.enumValues.has(name)) {
      const value = def.enumValues.get(name)!;
      return { type, eval: () => value, constant: { value } };
    }
    const prop = findStaticProperty(def, name);
    if (prop) return propertyBound(prop, new Map(), undefined);
    if (findStaticMethods(def, name).length) return c.fail('Type', `'${typeName(type)}.${name}' is a method; call it with parentheses.`, pos, name);
  }
  return c.fail('UnknownMember', `'${typeName(type)}' does not contain a definition for '${name}' (or it is not allowed in policy expressions).`, pos, name);
}

function resolveMember(c: Compiler, e: Extract<Expr, { kind: 'member' }>): Resolution {
  const target = resolve(c, e.target);
  if (target.kind === 'namespace') {
    const full = `${target.name}.${e.name}`;
    const typeArgs = (e.typeArgs ?? []).map((t) => c.resolveType(t));
    const def = findTypeDef(full, typeArgs.length);
    if (def) return { kind: 'type', type: resolveTypeName(full, typeArgs, new Set()), pos: e.pos };
    if (!e.typeArgs && namespaceExists(full)) return { kind: 'namespace', name: full, pos: e.pos };
    return c.fail('UnknownMember', `The type or namespace name '${e.name}' does not exist in the namespace '${target.name}' (or is not allowed in policy expressions).`, e.namePos, full);
  }
  if (e.typeArgs) return c.fail('Type', `'${e.name}' is not a generic method call.`, e.namePos, e.name);
  if (target.kind === 'type') return { kind: 'value', bound: staticMember(c, target.type, e.name, e.namePos) };
  return { kind: 'value', bound: memberValue(c, target.bound, e.name, e.namePos) };
}

export function compileMember(c: Compiler, e: Extract<Expr, { kind: 'member' }>): Bound {
  return valueOf(c, resolveMember(c, e), e.pos);
}

export function compileName(c: Compiler, e: Extract<Expr, { kind: 'name' }>): Bound {
  return valueOf(c, resolveName(c, e), e.pos);
}

export function valueOf(c: Compiler, r: Resolution, pos: Pos): Bound {
  if (r.kind === 'value') return r.bound;
  if (r.kind === 'type') return c.fail('Type', `'${typeName(r.type)}' is a type, which is not valid in this context.`, pos, typeName(r.type));
  return c.fail('Type', `'${r.name}' is a namespace, which is not valid in this context.`, pos, r.name);
}

// ------------------------------------------------------------------ calls

function displayOf(t: ClrType): string {
  return t.kind === 'named' ? t.def.name : typeName(t);
}

function extensionCandidates(receiverType: ClrType, name: string): Candidate[] {
  return extensionMethods(name)
    .filter((m) => {
      const first = m.params[0]?.type;
      if (!first) return false;
      // Cheap pre-filter: the receiver must be convertible to the (open) first parameter's definition.
      if (first.kind === 'param') return true;
      if (first.kind === 'named' && first.args.length) return true;
      return implicitConversion(receiverType, first) !== undefined;
    })
    .map((m) => ({ method: m, subst: new Map() }));
}

function invokeDelegate(c: Compiler, target: Bound, args: readonly Argument[], pos: Pos): Bound {
  const shape = delegateShape(target.type);
  if (!shape) return c.fail('Type', `'${typeName(target.type)}' is not callable.`, pos);
  if (args.length !== shape.params.length) return c.fail('Type', `Delegate '${typeName(target.type)}' does not take ${args.length} arguments.`, pos);
  const evals = args.map((a, i) => c.convertImplicit(compileExpr(c, a.value, shape.params[i]), shape.params[i], a.pos));
  const fe = target.eval;
  return {
    type: shape.returns,
    eval: (f) => {
      const fn = fe(f) as ((...xs: unknown[]) => unknown) | null;
      if (fn === null || fn === undefined) throw nullReference();
      const v = fn(...evals.map((e) => e(f)));
      return v === undefined ? null : v;
    },
  };
}

function callLocalFunction(c: Compiler, name: string, args: readonly Argument[], pos: Pos): Bound | undefined {
  const sym = c.scope.lookup(name);
  if (!sym) return undefined;
  if (sym.kind === 'variable') return invokeDelegate(c, compileName(c, { kind: 'name', pos, name }), args, pos);
  const fn = sym;
  if (args.length !== fn.paramTypes.length) return c.fail('Type', `Local function '${name}' takes ${fn.paramTypes.length} arguments.`, pos, name);
  const evals = args.map((a, i) => {
    if (a.modifier) c.fail('UnsupportedSyntax', 'ref/out parameters of local functions are not supported.', a.pos);
    return c.convertImplicit(compileExpr(c, a.value, fn.paramTypes[i]), fn.paramTypes[i], a.pos);
  });
  const hops = hopsBetween(c.fn, fn.declaringFn);
  return {
    type: fn.returnType,
    eval: (f) => {
      const definingFrame = ancestor(f, hops);
      return fn.invoke!(definingFrame, evals.map((e) => e(f)));
    },
  };
}

export function compileInvoke(c: Compiler, e: Extract<Expr, { kind: 'invoke' }>): Bound {
  const target = e.target;
  if (target.kind === 'name' && !target.typeArgs) {
    const local = callLocalFunction(c, target.name, e.args, e.pos);
    if (local) return local;
    return c.fail('UnknownMember', `The name '${target.name}' does not exist in the current context.`, target.pos, target.name);
  }
  if (target.kind !== 'member') return invokeDelegate(c, compileExpr(c, target), e.args, e.pos);

  const name = target.name;
  const explicitTypeArgs = target.typeArgs?.map((t) => c.resolveType(t));
  const recv = resolve(c, target.target);
  if (recv.kind === 'namespace') {
    return c.fail('UnknownMember', `The type or namespace name '${name}' does not exist in the namespace '${recv.name}' (or is not allowed in policy expressions).`, target.namePos, `${recv.name}.${name}`);
  }
  if (recv.kind === 'type') {
    const def = recv.type.kind === 'named' ? recv.type.def : recv.type.kind === 'primitive' ? primitiveDef(recv.type.name) : undefined;
    const methods: MethodDef[] = def ? findStaticMethods(def, name) : [];
    if (!methods.length) {
      return c.fail('UnknownMember', `'${typeName(recv.type)}' does not contain a method '${name}' (or it is not allowed in policy expressions).`, target.namePos, name);
    }
    const site = { pos: target.namePos, displayName: `${displayOf(recv.type)}.${name}`, member: name };
    return bindCall(c, site, methods.map((m) => ({ method: m, subst: new Map() })), undefined, prepareArgs(c, e.args), explicitTypeArgs);
  }
  const receiver = recv.bound;
  const rt = receiver.type;
  if (rt.kind === 'dynamic') return c.fail('UnsupportedSyntax', `Methods of a dynamic value cannot be called ('${name}'); cast it to a concrete type first.`, target.namePos, name);
  if (rt.kind === 'void' || rt.kind === 'null') return c.fail('Type', `Cannot call '${name}' on ${rt.kind === 'void' ? 'a void expression' : 'null'}.`, target.namePos, name);
  const site = { pos: target.namePos, displayName: `${displayOf(rt)}.${name}`, member: name };
  const args = prepareArgs(c, e.args);
  const instance = findInstanceMethods(rt, name).map((m) => ({ method: m.method, subst: m.subst }));
  const viaInstance = instance.length ? tryBindCall(c, site, instance, receiver, args, explicitTypeArgs) : undefined;
  if (viaInstance) return viaInstance;
  const ext = extensionCandidates(rt, name);
  const viaExtension = ext.length ? tryBindCall(c, site, ext, receiver, args, explicitTypeArgs) : undefined;
  if (viaExtension) return viaExtension;
  if (!instance.length && !ext.length) {
    const prop = findInstanceProperty(rt, name);
    if (prop && delegateShape(substitute(prop.prop.type, prop.subst))) {
      return invokeDelegate(c, propertyBound(prop.prop, prop.subst, receiver), e.args, e.pos);
    }
    const what = hasAnyMember(rt, name) ? 'a method named' : 'a definition for';
    return c.fail('UnknownMember', `'${typeName(rt)}' does not contain ${what} '${name}' (or it is not allowed in policy expressions).`, target.namePos, name);
  }
  return failNoOverload(c, site, instance.length ? instance : ext, args);
}

// ------------------------------------------------------------------ indexers

function indexerAsMethod(ix: IndexerDef, declaring: MethodDef['declaringType']): MethodDef {
  return { kind: 'method', name: 'this[]', typeParams: [], params: ix.params, returns: ix.type, isStatic: false, isExtension: false, impl: ix.get, declaringType: declaring };
}

function arrayElementAccess(c: Compiler, receiver: Bound, element: ClrType, indexArgs: readonly Argument[], pos: Pos): Bound {
  if (indexArgs.length !== 1) return c.fail('Type', 'Wrong number of indices inside [].', pos);
  const idx = c.convertImplicit(compileExpr(c, indexArgs[0].value), T.int(), indexArgs[0].pos);
  const recv = receiver.eval;
  const check = (a: unknown, i: unknown): { arr: unknown[] | Uint8Array; i: number } => {
    if (a === null || a === undefined) throw nullReference();
    const arr = a as unknown[] | Uint8Array;
    const n = i as number;
    if (n < 0 || n >= arr.length) throw indexOutOfRange();
    return { arr, i: n };
  };
  const bytes = element.kind === 'primitive' && element.name === 'byte';
  return {
    type: element,
    eval: (f) => {
      const { arr, i } = check(recv(f), idx(f));
      return arr[i];
    },
    lvalue: {
      type: element,
      assign: (value) => (f) => {
        const { arr, i } = check(recv(f), idx(f));
        const v = value(f);
        arr[i] = bytes ? (v as number) & 0xff : v;
        return v;
      },
      access: (f) => {
        const { arr, i } = check(recv(f), idx(f));
        return {
          get: () => arr[i],
          set: (v) => {
            arr[i] = bytes ? (v as number) & 0xff : v;
          },
        };
      },
    },
  };
}

/** `receiver[args]` on arrays, strings and types with indexers (JObject, Dictionary, headers…). */
export function compileIndexerOn(c: Compiler, receiver: Bound, indexArgs: readonly Argument[], pos: Pos): Bound {
  const t = receiver.type;
  if (t.kind === 'array') return arrayElementAccess(c, receiver, t.element, indexArgs, pos);
  if (t.kind === 'dynamic') return c.fail('UnsupportedSyntax', 'Indexing a dynamic value is not supported; cast it to a concrete type first.', pos);
  const found = findIndexers(t);
  if (!found.length) return c.fail('Type', `Cannot apply indexing with [] to an expression of type '${typeName(t)}'.`, pos);
  const declaring = t.kind === 'named' ? t.def : primitiveDef('int')!;
  const byMethod = new Map<MethodDef, (typeof found)[number]>();
  const candidates: Candidate[] = found.map((x) => {
    const method = indexerAsMethod(x.indexer, declaring);
    byMethod.set(method, x);
    return { method, subst: x.subst };
  });
  const args = prepareArgs(c, indexArgs);
  const site = { pos, displayName: `${displayOf(t)}[]`, member: 'this[]' };
  const picked: { cand?: Candidate } = {};
  const call = bindCall(c, site, candidates, receiver, args, undefined, picked);
  const chosen = byMethod.get(picked.cand!.method)!;
  if (!chosen.indexer.set) return call;
  const setFn = asInvoker(chosen.indexer.set);
  const getFn = asInvoker(chosen.indexer.get);
  const recv = receiver.eval;
  const keyEvals = args.map((a, i) => c.convertImplicit(a.bound!, substitute(chosen.indexer.params[i].type, chosen.subst), a.pos));
  const valueType = substitute(chosen.indexer.type, chosen.subst);
  const lvalue: LValue = {
    type: valueType,
    assign: (value) => (f) => {
      const o = recv(f);
      if (o === null || o === undefined) throw nullReference();
      const keys = keyEvals.map((k) => k(f));
      const v = value(f);
      setFn(o, ...keys, v);
      return v;
    },
    access: (f) => {
      const o = recv(f);
      if (o === null || o === undefined) throw nullReference();
      const keys = keyEvals.map((k) => k(f));
      return { get: () => getFn(o, ...keys), set: (v) => setFn(o, ...keys, v) };
    },
  };
  return { ...call, lvalue };
}

export function compileIndex(c: Compiler, e: Extract<Expr, { kind: 'index' }>): Bound {
  const receiver = compileExpr(c, e.target);
  if (receiver.type.kind === 'named' && receiver.type.def.name === 'String' && receiver.type.def.namespace === 'System') {
    if (e.args.length !== 1) return c.fail('Type', 'Wrong number of indices inside [].', e.pos);
    const idx = c.convertImplicit(compileExpr(c, e.args[0].value), T.int(), e.args[0].pos);
    const recv = receiver.eval;
    return {
      type: T.char(),
      eval: (f) => {
        const s = recv(f) as string | null;
        if (s === null) throw nullReference();
        const i = idx(f) as number;
        if (i < 0 || i >= s.length) throw indexOutOfRange();
        return s[i];
      },
    };
  }
  return compileIndexerOn(c, receiver, e.args, e.pos);
}

// ------------------------------------------------------------------ ?.

export function compileConditionalAccess(c: Compiler, e: Extract<Expr, { kind: 'conditionalAccess' }>): Bound {
  const target = compileExpr(c, e.target);
  const t = target.type;
  if (isValueType(t) && t.kind !== 'nullable') {
    return c.fail('Type', `Operator '?' cannot be applied to operand of type '${typeName(t)}'.`, e.pos, '?.');
  }
  const slot = c.tempSlot();
  const saved = c.receiver;
  c.receiver = { type: t.kind === 'nullable' ? t.underlying : t, eval: slot.read };
  let chain: Bound;
  try {
    chain = compileExpr(c, e.chain);
  } finally {
    c.receiver = saved;
  }
  const type = chain.type.kind === 'void' ? chain.type : isValueType(chain.type) ? nullableOf(chain.type) : chain.type;
  const te = target.eval;
  const ce = chain.eval;
  return {
    type,
    eval: (f) => {
      const v = te(f);
      if (v === null || v === undefined) return null;
      slot.write(f, v);
      return ce(f);
    },
  };
}

export function compileReceiver(c: Compiler, pos: Pos): Bound {
  if (!c.receiver) return c.fail('Syntax', "Syntax error: '?.' without a target.", pos);
  return c.receiver;
}

/** Call a compiled local function body in a fresh frame below the frame that declared it. */
export function localFunctionInvoker(slotCount: () => number, paramSlots: readonly number[], body: (f: Frame) => unknown): (definingFrame: Frame, args: unknown[]) => unknown {
  return (definingFrame, args) => {
    const nf = childFrame(definingFrame, slotCount());
    for (let i = 0; i < paramSlots.length; i++) nf.slots[paramSlots[i]] = args[i];
    return body(nf);
  };
}
