/**
 * Member lookup on static types: walks a type's base classes and interfaces (with their type
 * arguments substituted) and finally System.Object, the way C# name lookup does.
 */
import type { ClrType, IndexerDef, MethodDef, NamedType, PropertyDef, Substitution, TypeDef } from '../types/model.js';
import { named, typeArgsOf } from '../types/model.js';
import { directSupertypes } from '../types/conversions.js';
import { primitiveDef } from '../types/registry.js';
import { wellKnownDef } from '../types/well-known.js';

export interface FoundProperty {
  readonly prop: PropertyDef;
  readonly subst: Substitution;
}
export interface FoundMethod {
  readonly method: MethodDef;
  readonly subst: Substitution;
}
export interface FoundIndexer {
  readonly indexer: IndexerDef;
  readonly subst: Substitution;
}

/** The types whose members a value of type `t` exposes, most derived first. */
export function memberViews(t: ClrType): NamedType[] {
  const start: ClrType[] = [];
  switch (t.kind) {
    case 'primitive': {
      const def = primitiveDef(t.name);
      if (def) start.push(named(def));
      break;
    }
    case 'named':
      start.push(t);
      break;
    case 'array':
      start.push(...directSupertypes(t));
      break;
    case 'nullable':
      start.push(named(wellKnownDef('Nullable', 1), [t.underlying]));
      break;
    default:
      break;
  }
  const out: NamedType[] = [];
  const seen = new Set<TypeDef>();
  const queue = [...start];
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur.kind === 'named') {
      if (seen.has(cur.def)) continue;
      seen.add(cur.def);
      out.push(cur);
    }
    queue.push(...directSupertypes(cur));
  }
  const object = wellKnownDef('Object');
  if (!seen.has(object)) out.push(named(object));
  return out;
}

export function findInstanceProperty(t: ClrType, name: string): FoundProperty | undefined {
  for (const view of memberViews(t)) {
    const list = view.def.instanceMembers.get(name);
    const prop = list?.find((m): m is PropertyDef => m.kind === 'property');
    if (prop) return { prop, subst: typeArgsOf(view) };
  }
  return undefined;
}

export function findInstanceMethods(t: ClrType, name: string): FoundMethod[] {
  const out: FoundMethod[] = [];
  for (const view of memberViews(t)) {
    const list = view.def.instanceMembers.get(name);
    for (const m of list ?? []) if (m.kind === 'method') out.push({ method: m, subst: typeArgsOf(view) });
  }
  return out;
}

export function findIndexers(t: ClrType): FoundIndexer[] {
  const out: FoundIndexer[] = [];
  for (const view of memberViews(t)) {
    for (const ix of view.def.indexers) out.push({ indexer: ix, subst: typeArgsOf(view) });
    if (out.length) break; // a derived indexer hides the base ones
  }
  return out;
}

export function findStaticProperty(def: TypeDef, name: string): PropertyDef | undefined {
  return def.staticMembers.get(name)?.find((m): m is PropertyDef => m.kind === 'property');
}

export function findStaticMethods(def: TypeDef, name: string): MethodDef[] {
  return (def.staticMembers.get(name) ?? []).filter((m): m is MethodDef => m.kind === 'method');
}

export function hasAnyMember(t: ClrType, name: string): boolean {
  return memberViews(t).some((v) => v.def.instanceMembers.has(name));
}
