/**
 * C# conversions: which exist (implicit for assignments and arguments, explicit for casts),
 * how good they are (for overload resolution), and the run-time work each one needs
 * (int → long becomes a bigint, char → int a code unit, object → string a type check).
 */
import type { ClrType, NamedType, PrimitiveName, TypeDef } from './model.js';
import { DYNAMIC, INTEGRAL_TYPES, isValueType, sameType, substitute, typeArgsOf, typeName } from './model.js';
import { T, isObjectType, isStringType, wellKnownDef } from './well-known.js';
import { integralRange, isBigIntType, numericConverter } from '../runtime/numeric.js';
import { ClrException, invalidCast, nullReference } from '../runtime/exceptions.js';
import { runtimeTypeName } from '../runtime/object.js';

/** `null` means "no run-time work" (an identity, boxing or reference conversion). */
export type Converter = ((v: unknown) => unknown) | null;

export interface Conversion {
  /** 3 identity, 2 standard implicit, 1 user-defined implicit, 0 explicit. Higher is better. */
  readonly score: number;
  readonly convert: Converter;
}

const IMPLICIT_NUMERIC: Readonly<Record<string, readonly PrimitiveName[]>> = {
  sbyte: ['short', 'int', 'long', 'float', 'double', 'decimal'],
  byte: ['short', 'ushort', 'int', 'uint', 'long', 'ulong', 'float', 'double', 'decimal'],
  short: ['int', 'long', 'float', 'double', 'decimal'],
  ushort: ['int', 'uint', 'long', 'ulong', 'float', 'double', 'decimal'],
  int: ['long', 'float', 'double', 'decimal'],
  uint: ['long', 'ulong', 'float', 'double', 'decimal'],
  long: ['float', 'double', 'decimal'],
  ulong: ['float', 'double', 'decimal'],
  char: ['ushort', 'int', 'uint', 'long', 'ulong', 'float', 'double', 'decimal'],
  float: ['double'],
};

export function hasImplicitNumeric(from: PrimitiveName, to: PrimitiveName): boolean {
  return from === to || (IMPLICIT_NUMERIC[from]?.includes(to) ?? false);
}

/** Direct supertypes of a type, with the type's own arguments substituted in. */
export function directSupertypes(t: ClrType): ClrType[] {
  switch (t.kind) {
    case 'named':
      return t.def.baseTypes.map((b) => substitute(b, typeArgsOf(t)));
    case 'array':
      return [T.arrayView(t.element)];
    default:
      return [];
  }
}

/** The instantiation of `def` that `t` is or derives from (List<string> viewed as IEnumerable<string>). */
export function findView(t: ClrType, def: TypeDef): NamedType | undefined {
  const seen = new Set<ClrType>();
  const queue: ClrType[] = [t];
  while (queue.length) {
    const cur = queue.shift()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    if (cur.kind === 'named' && cur.def === def) return cur;
    queue.push(...directSupertypes(cur));
  }
  return undefined;
}

/** Element type when `t` can be enumerated with foreach / LINQ. */
export function elementTypeOf(t: ClrType): ClrType | undefined {
  if (t.kind === 'dynamic') return DYNAMIC;
  if (t.kind === 'array') return t.element;
  const view = findView(t, wellKnownDef('IEnumerable', 1));
  return view?.args[0];
}

const COVARIANT = new Set(['IEnumerable', 'IReadOnlyList', 'IReadOnlyCollection', 'IEnumerator']);

function argsConvertible(def: TypeDef, from: readonly ClrType[], to: readonly ClrType[]): boolean {
  return from.every((a, i) => {
    if (sameType(a, to[i])) return true;
    const variant = COVARIANT.has(def.name) || (def.name === 'Func' && i === from.length - 1);
    return variant && !isValueType(a) && isReferenceConvertible(a, to[i]);
  });
}

/** Implicit reference (or boxing) conversion: derived → base, T → object, List<T> → IEnumerable<T>. */
export function isReferenceConvertible(from: ClrType, to: ClrType): boolean {
  if (to.kind === 'dynamic') return true;
  if (isObjectType(to)) return from.kind !== 'void';
  if (to.kind === 'named') {
    if (from.kind === 'named' && from.def === to.def) return argsConvertible(to.def, from.args, to.args);
    const view = findView(from, to.def);
    return view !== undefined && argsConvertible(to.def, view.args, to.args);
  }
  if (to.kind === 'array' && from.kind === 'array') {
    return sameType(from.element, to.element) || (!isValueType(from.element) && isReferenceConvertible(from.element, to.element));
  }
  return false;
}

function userDefined(from: ClrType, to: ClrType, implicitOnly: boolean): Conversion | undefined {
  const target = to.kind === 'nullable' ? to.underlying : to;
  const candidates = [];
  for (let cur: ClrType | undefined = from; cur; ) {
    if (cur.kind === 'named') candidates.push(...cur.def.conversions);
    const sup: ClrType[] = directSupertypes(cur).filter((s) => s.kind === 'named' && !s.def.isInterface);
    cur = sup[0];
  }
  if (target.kind === 'named') candidates.push(...target.def.conversions);
  // An operator producing exactly the target type wins over one needing a further conversion
  // (`(int?)token` must use the nullable operator, not the one that throws on null).
  const usable = candidates.filter((c) => !implicitOnly || c.implicit);
  const ordered = [...usable.filter((c) => sameType(c.to, to)), ...usable.filter((c) => !sameType(c.to, to))];
  for (const c of ordered) {
    const into = standardImplicit(from, c.from);
    if (!into) continue;
    const out = sameType(c.to, to) ? { score: 3, convert: null } : standardImplicit(c.to, to);
    if (!out) continue;
    const steps = [into.convert, c.convert as (v: unknown) => unknown, out.convert].filter((f): f is (v: unknown) => unknown => f !== null);
    return { score: implicitOnly ? 1 : 0, convert: (v) => steps.reduce((acc, f) => f(acc), v) };
  }
  return undefined;
}

function withNullPassThrough(conv: Converter): Converter {
  return conv ? (v) => (v === null ? null : conv(v)) : null;
}

/** Standard implicit conversions (no user-defined operators). */
function standardImplicit(from: ClrType, to: ClrType, constant?: { value: unknown }): Conversion | undefined {
  if (sameType(from, to)) return { score: 3, convert: null };
  if (to.kind === 'dynamic' || from.kind === 'dynamic') {
    return { score: 2, convert: from.kind === 'dynamic' ? runtimeCast(to) : null };
  }
  if (from.kind === 'null') return isValueType(to) ? undefined : { score: 2, convert: null };
  if (from.kind === 'primitive' && to.kind === 'primitive') {
    if (hasImplicitNumeric(from.name, to.name)) return { score: 2, convert: numericConverter(from.name, to.name, false) };
    // A constant int fits a smaller integral type when its value is in range (`byte b = 5;`).
    if (constant && from.name === 'int' && INTEGRAL_TYPES.has(to.name) && to.name !== 'char') {
      const r = integralRange(to.name)!;
      const v = BigInt(constant.value as number);
      if (v >= r.min && v <= r.max) return { score: 2, convert: isBigIntType(to.name) ? (x) => BigInt(x as number) : null };
    }
    return undefined;
  }
  if (to.kind === 'nullable') {
    if (from.kind === 'nullable') {
      const inner = standardImplicit(from.underlying, to.underlying);
      return inner && { score: inner.score, convert: withNullPassThrough(inner.convert) };
    }
    const inner = standardImplicit(from, to.underlying, constant);
    return inner && { score: 2, convert: inner.convert };
  }
  if (from.kind === 'primitive' && to.kind === 'named' && to.def.isEnum) {
    return constant && constant.value === 0 ? { score: 2, convert: null } : undefined;
  }
  if (isReferenceConvertible(from, to)) return { score: 2, convert: null };
  return undefined;
}

export function implicitConversion(from: ClrType, to: ClrType, constant?: { value: unknown }): Conversion | undefined {
  return standardImplicit(from, to, constant) ?? userDefined(from, to, true);
}

function isNumericLike(t: ClrType): t is { kind: 'primitive'; name: PrimitiveName } {
  return t.kind === 'primitive' && t.name !== 'bool';
}

function enumUnderlying(t: ClrType): ClrType {
  return t.kind === 'named' && t.def.isEnum ? { kind: 'primitive', name: 'int' } : t;
}

/** Conversions allowed by a cast expression `(T)x`: implicit ones plus the explicit ones. */
export function explicitConversion(from: ClrType, to: ClrType, checked = false): Conversion | undefined {
  const imp = implicitConversion(from, to);
  if (imp) return imp;
  const f = enumUnderlying(from);
  const t = enumUnderlying(to);
  if (isNumericLike(f) && isNumericLike(t)) return { score: 0, convert: numericConverter(f.name, t.name, checked) };
  if (to.kind === 'nullable' && from.kind === 'nullable') {
    const inner = explicitConversion(from.underlying, to.underlying, checked);
    return inner && { score: 0, convert: withNullPassThrough(inner.convert) };
  }
  if (from.kind === 'nullable') {
    const inner = explicitConversion(from.underlying, to, checked);
    if (inner) {
      return {
        score: 0,
        convert: (v) => {
          if (v === null) throw new ClrException('System.InvalidOperationException', 'Nullable object must have a value.');
          return inner.convert ? inner.convert(v) : v;
        },
      };
    }
  }
  if (to.kind === 'nullable' && isNumericLike(enumUnderlying(to.underlying)) && isNumericLike(f)) {
    const inner = explicitConversion(from, to.underlying, checked);
    return inner && { score: 0, convert: inner.convert };
  }
  const user = userDefined(from, to, false);
  if (user) return user;
  // Unboxing and downcasts: checked at run time.
  if (isObjectType(from) || from.kind === 'dynamic') return { score: 0, convert: runtimeCast(to) };
  if (!isValueType(to) && !isValueType(from)) {
    const downcast = isReferenceConvertible(to, from);
    const viaInterface = (from.kind === 'named' && from.def.isInterface) || (to.kind === 'named' && to.def.isInterface);
    if (downcast || viaInterface) return { score: 0, convert: runtimeCast(to) };
  }
  if (isValueType(to) && from.kind === 'named' && from.def.isInterface) return { score: 0, convert: runtimeCast(to) };
  return undefined;
}

function isInRange(n: number, name: PrimitiveName): boolean {
  const r = integralRange(name);
  return r === undefined || (Number.isInteger(n) && n >= Number(r.min) && n <= Number(r.max));
}

/**
 * Run-time type test for `is`/`as`/casts. Numbers are one JS type, so an unboxing cast
 * accepts any numeric representation whose value fits the target type.
 */
export function runtimeIs(to: ClrType): (v: unknown) => boolean {
  switch (to.kind) {
    case 'primitive': {
      const name = to.name;
      if (name === 'bool') return (v) => typeof v === 'boolean';
      if (name === 'char') return (v) => typeof v === 'string' && v.length === 1;
      if (name === 'float' || name === 'double' || name === 'decimal') return (v) => typeof v === 'number';
      if (isBigIntType(name)) {
        const r = integralRange(name)!;
        return (v) => (typeof v === 'bigint' && v >= r.min && v <= r.max) || (typeof v === 'number' && Number.isInteger(v) && isInRange(v, name));
      }
      return (v) => (typeof v === 'number' && isInRange(v, name)) || (typeof v === 'bigint' && isInRange(Number(v), name));
    }
    case 'nullable': {
      const inner = runtimeIs(to.underlying);
      return (v) => v !== null && inner(v);
    }
    case 'array': {
      if (to.element.kind === 'primitive' && to.element.name === 'byte') return (v) => v instanceof Uint8Array;
      return (v) => Array.isArray(v);
    }
    case 'named': {
      if (isObjectType(to)) return (v) => v !== null && v !== undefined;
      if (isStringType(to)) return (v) => typeof v === 'string';
      const def = to.def;
      return (v) => v !== null && v !== undefined && def.isInstance(v);
    }
    case 'anonymous':
      return (v) => v !== null && typeof v === 'object';
    default:
      return (v) => v !== null && v !== undefined;
  }
}

/** Unboxing / downcast converter: returns the value in the target representation or throws. */
export function runtimeCast(to: ClrType): (v: unknown) => unknown {
  if (to.kind === 'dynamic' || isObjectType(to)) return (v) => v;
  const test = runtimeIs(to);
  const target = to.kind === 'nullable' ? to.underlying : to;
  const nullable = to.kind === 'nullable' || !isValueType(to);
  const normalize =
    target.kind === 'primitive'
      ? isBigIntType(target.name)
        ? (v: unknown) => (typeof v === 'number' ? BigInt(v) : v)
        : target.name === 'float' || target.name === 'double' || target.name === 'decimal' || integralRange(target.name)
          ? (v: unknown) => (typeof v === 'bigint' ? Number(v) : v)
          : (v: unknown) => v
      : (v: unknown) => v;
  const display = typeName(to);
  return (v) => {
    if (v === null || v === undefined) {
      if (nullable) return null;
      throw nullReference();
    }
    if (!test(v)) throw invalidCast(runtimeTypeName(v), display);
    return normalize(v);
  };
}

/** `default(T)` for a concrete type. */
export function defaultValueOf(t: ClrType): unknown {
  if (t.kind === 'primitive') {
    if (t.name === 'bool') return false;
    if (t.name === 'char') return '\0';
    if (isBigIntType(t.name)) return 0n;
    return 0;
  }
  if (t.kind === 'named' && t.def.defaultValue) return t.def.defaultValue();
  if (t.kind === 'named' && t.def.isEnum) return 0;
  return null;
}


