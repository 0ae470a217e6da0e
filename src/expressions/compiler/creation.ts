/**
 * Object creation: constructors (overload-resolved like methods), object initializers
 * (`new HMACSHA256 { Key = k }`), collection initializers (`new List<string> { "a" }`,
 * `new Dictionary<string, string> { { "a", "b" } }`, `{ ["a"] = "b" }`), anonymous types and
 * arrays (`new byte[16]`, `new[] { 1, 2 }`, `int[] a = { 1, 2 }`).
 */
import type { Expr, Initializer, Pos } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { arrayOf, typeName } from '../types/model.js';
import { defaultValueOf, implicitConversion } from '../types/conversions.js';
import { AnonymousObject } from '../runtime/object.js';
import { argumentOutOfRange, nullReference } from '../runtime/exceptions.js';
import type { Bound, Compiler } from './compiler.js';
import type { Eval, Frame } from './frame.js';
import { compileExpr } from './expressions.js';
import { bindCall, prepareArgs, type Candidate } from './calls.js';
import { findInstanceMethods, findInstanceProperty } from './members.js';
import { compileIndexerOn } from './access.js';

type NewExpr = Extract<Expr, { kind: 'new' }>;

export function compileNew(c: Compiler, e: NewExpr): Bound {
  const type = c.resolveType(e.type);
  if (type.kind === 'array') return c.fail('Type', 'Use new T[n] or new T[] { … } to create an array.', e.pos);
  if (type.kind !== 'named' && type.kind !== 'primitive') return c.fail('Type', `Cannot create an instance of '${typeName(type)}'.`, e.pos);
  let created: Bound;
  if (type.kind === 'primitive' || (type.kind === 'named' && type.def.isValueType && e.args.length === 0 && type.def.constructors.every((k) => k.params.length > 0))) {
    const value = defaultValueOf(type);
    created = { type, eval: () => value };
  } else {
    const def = type.def;
    if (def.isInterface || def.isStatic || def.constructors.length === 0) {
      return c.fail('UnknownMember', `Cannot create an instance of '${typeName(type)}' in a policy expression.`, e.type.pos, typeName(type));
    }
    const subst = new Map(def.typeParams.map((p, i) => [p, type.args[i]] as const));
    const candidates: Candidate[] = def.constructors.map((m) => ({ method: m, subst }));
    const call = bindCall(c, { pos: e.pos, displayName: `new ${typeName(type)}`, member: typeName(type) }, candidates, undefined, prepareArgs(c, e.args));
    created = { type, eval: call.eval };
  }
  if (!e.initializer) return created;
  const init = compileInitializer(c, type, e.initializer);
  const make = created.eval;
  return {
    type,
    eval: (f) => {
      const obj = make(f);
      init(f, obj);
      return obj;
    },
  };
}

type InitStep = (f: Frame, target: unknown) => void;

function compileInitializer(c: Compiler, type: ClrType, init: Initializer): InitStep {
  const steps: InitStep[] = [];
  const slot = c.tempSlot();
  const self: Bound = { type, eval: slot.read };
  if (init.kind === 'collection') {
    const adds = findInstanceMethods(type, 'Add').map((m) => ({ method: m.method, subst: m.subst }));
    if (!adds.length) return c.fail('Type', `'${typeName(type)}' has no Add method, so it cannot take a collection initializer.`, init.pos, 'Add');
    for (const item of init.items) {
      const call = bindCall(c, { pos: item[0]?.pos ?? init.pos, displayName: `${typeName(type)}.Add`, member: 'Add' }, adds, self, prepareArgs(c, item.map((value) => ({ pos: value.pos, value }))));
      const ev = call.eval;
      steps.push((f) => {
        ev(f);
      });
    }
  } else {
    for (const m of init.members) {
      if (m.index) {
        const ix = compileIndexerOn(c, self, m.index, m.pos);
        if (!ix.lvalue) return c.fail('Type', `The indexer of '${typeName(type)}' is read-only.`, m.pos);
        if ('kind' in m.value && (m.value.kind === 'collection' || m.value.kind === 'object')) {
          return c.fail('UnsupportedSyntax', 'Nested initializers on indexers are not supported.', m.pos);
        }
        const value = compileExpr(c, m.value, ix.lvalue.type);
        const assign = ix.lvalue.assign(c.convertImplicit(value, ix.lvalue.type, m.pos));
        steps.push((f) => {
          assign(f);
        });
        continue;
      }
      const name = m.name!;
      const found = findInstanceProperty(type, name);
      if (!found) return c.fail('UnknownMember', `'${typeName(type)}' does not contain a definition for '${name}'.`, m.pos, name);
      const prop = found.prop;
      if ('kind' in m.value && (m.value.kind === 'collection' || m.value.kind === 'object')) {
        // `Items = { 1, 2 }` adds to the collection the property already holds.
        const inner = compileInitializer(c, prop.type, m.value);
        const get = prop.get as (o: unknown) => unknown;
        steps.push((f, target) => inner(f, get(target)));
        continue;
      }
      if (!prop.set) return c.fail('Type', `Property '${name}' of '${typeName(type)}' cannot be assigned.`, m.pos, name);
      const value = compileExpr(c, m.value, prop.type);
      const ev = c.convertImplicit(value, prop.type, m.pos);
      const set = prop.set as (o: unknown, v: unknown) => void;
      steps.push((f, target) => set(target, ev(f)));
    }
  }
  return (f, target) => {
    if (target === null || target === undefined) throw nullReference();
    slot.write(f, target);
    for (const s of steps) s(f, target);
  };
}

export function compileAnonymous(c: Compiler, e: Extract<Expr, { kind: 'newAnonymous' }>): Bound {
  const fields = e.members.map((m) => {
    const b = compileExpr(c, m.value);
    if (b.type.kind === 'void' || b.type.kind === 'null') c.fail('Type', `Cannot assign '${typeName(b.type)}' to anonymous type property '${m.name}'.`, m.pos, m.name);
    return { name: m.name, type: b.type, eval: b.eval };
  });
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) c.fail('Type', `An anonymous type cannot have multiple properties with the same name ('${f.name}').`, e.pos, f.name);
    seen.add(f.name);
  }
  return {
    type: { kind: 'anonymous', fields: fields.map(({ name, type }) => ({ name, type })) },
    eval: (f) => new AnonymousObject(new Map(fields.map((fd) => [fd.name, fd.eval(f)]))),
  };
}

function isByte(t: ClrType): boolean {
  return t.kind === 'primitive' && t.name === 'byte';
}

export const MAX_ARRAY_LENGTH = 16 * 1024 * 1024;

function arrayOfValues(element: ClrType, evals: readonly Eval[]): Eval {
  if (isByte(element)) return (f) => Uint8Array.from(evals.map((e) => e(f) as number));
  return (f) => evals.map((e) => e(f));
}

/** The best common type of array elements / conditional branches: one all others convert to. */
export function bestCommonOf(types: readonly ClrType[]): ClrType | undefined {
  const candidates = types.filter((t) => t.kind !== 'null');
  for (const cand of candidates) {
    if (types.every((t) => implicitConversion(t, cand))) return cand;
  }
  return undefined;
}

export function compileNewArray(c: Compiler, e: Extract<Expr, { kind: 'newArray' }>): Bound {
  if (!e.elementType) {
    const bounds = (e.elements ?? []).map((x) => compileExpr(c, x));
    const element = bestCommonOf(bounds.map((b) => b.type));
    if (!element) return c.fail('Type', 'No best type found for the implicitly-typed array.', e.pos);
    return { type: arrayOf(element), eval: arrayOfValues(element, bounds.map((b, i) => c.convertImplicit(b, element, e.elements![i].pos))) };
  }
  const element = c.resolveType(e.elementType);
  const type = arrayOf(element);
  if (e.elements) {
    const evals = e.elements.map((x) => c.convertImplicit(compileExpr(c, x, element), element, x.pos));
    if (e.size) {
      const size = compileExpr(c, e.size);
      if (!size.constant || size.constant.value !== evals.length) {
        c.fail('Type', `The array size must be a constant equal to the ${evals.length} initializer elements.`, e.size.pos);
      }
    }
    return { type, eval: arrayOfValues(element, evals) };
  }
  if (!e.size) return c.fail('Syntax', 'Array creation must have array size or array initializer.', e.pos);
  const sizeEval = c.convertImplicit(compileExpr(c, e.size), { kind: 'primitive', name: 'int' }, e.size.pos);
  const fill = defaultValueOf(element);
  const bytes = isByte(element);
  return {
    type,
    eval: (f) => {
      const n = sizeEval(f) as number;
      if (n < 0 || n > MAX_ARRAY_LENGTH) throw argumentOutOfRange('length', 'Arithmetic operation resulted in an overflow.');
      return bytes ? new Uint8Array(n) : new Array<unknown>(n).fill(fill);
    },
  };
}

export function compileArrayInitializer(c: Compiler, e: Extract<Expr, { kind: 'arrayInitializer' }>, expected: ClrType | undefined, pos: Pos): Bound {
  if (!expected || expected.kind !== 'array') return c.fail('Type', 'An array initializer can only initialize an array variable.', pos);
  const element = expected.element;
  const evals = e.elements.map((x) => c.convertImplicit(compileExpr(c, x, element), element, x.pos));
  return { type: expected, eval: arrayOfValues(element, evals) };
}
