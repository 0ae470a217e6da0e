/**
 * Handles on the registered types the compiler itself reasons about (object, string,
 * IEnumerable<T>, delegates…). Looked up lazily because the runtime modules register them.
 */
import type { ClrType, NamedType, TypeDef } from './model.js';
import { arrayOf, named, primitive } from './model.js';
import { findTypeDef } from './registry.js';

const cache = new Map<string, TypeDef>();

export function wellKnownDef(name: string, arity = 0): TypeDef {
  const k = `${name}\`${arity}`;
  let def = cache.get(k);
  if (!def) {
    def = findTypeDef(name, arity);
    if (!def) throw new Error(`Well-known type ${name}\`${arity} is not registered`);
    cache.set(k, def);
  }
  return def;
}

export const T = {
  object: (): NamedType => named(wellKnownDef('Object')),
  string: (): NamedType => named(wellKnownDef('String')),
  bool: () => primitive('bool'),
  int: () => primitive('int'),
  long: () => primitive('long'),
  double: () => primitive('double'),
  char: () => primitive('char'),
  byteArray: (): ClrType => arrayOf(primitive('byte')),
  enumerable: (element: ClrType): NamedType => named(wellKnownDef('IEnumerable', 1), [element]),
  /** The internal generic view of `T[]` that carries array members (Length…). */
  arrayView: (element: ClrType): NamedType => named(wellKnownDef('ArrayOf', 1), [element]),
};

export function isObjectType(t: ClrType): boolean {
  return t.kind === 'named' && t.def === wellKnownDef('Object');
}
export function isStringType(t: ClrType): boolean {
  return t.kind === 'named' && t.def === wellKnownDef('String');
}

export interface DelegateShape {
  readonly params: readonly ClrType[];
  readonly returns: ClrType;
}

/** Parameter and return types of a delegate type (Func/Action/Predicate/Comparison). */
export function delegateShape(t: ClrType): DelegateShape | undefined {
  if (t.kind !== 'named') return undefined;
  const name = t.def.name;
  if (name === 'Func' && t.args.length >= 1) {
    return { params: t.args.slice(0, -1), returns: t.args[t.args.length - 1] };
  }
  if (name === 'Action') return { params: t.args, returns: { kind: 'void' } };
  if (name === 'Predicate') return { params: t.args, returns: primitive('bool') };
  if (name === 'Comparison') return { params: [t.args[0], t.args[0]], returns: primitive('int') };
  if (name === 'MatchEvaluator') return { params: [named(wellKnownDef('Match'))], returns: T.string() };
  return undefined;
}
