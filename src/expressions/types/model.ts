/**
 * The static type model of the expression compiler: a small mirror of the CLR types an APIM
 * expression can touch. Every value the compiler handles has one of these types at compile
 * time, which is what lets `GetValueOrDefault<int>`, casts and member access be checked at save
 * time instead of failing per request.
 */

export type PrimitiveName =
  | 'bool'
  | 'char'
  | 'sbyte'
  | 'byte'
  | 'short'
  | 'ushort'
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'float'
  | 'double'
  | 'decimal';

export interface PrimitiveType {
  readonly kind: 'primitive';
  readonly name: PrimitiveName;
}
export interface NamedType {
  readonly kind: 'named';
  readonly def: TypeDef;
  readonly args: readonly ClrType[];
}
export interface ArrayType {
  readonly kind: 'array';
  readonly element: ClrType;
}
export interface NullableType {
  readonly kind: 'nullable';
  readonly underlying: ClrType;
}
/** The type of the `null` literal before it is converted to a reference or nullable type. */
export interface NullLiteralType {
  readonly kind: 'null';
}
export interface VoidType {
  readonly kind: 'void';
}
/** A value whose members are resolved at run time (only produced where the static model gives up). */
export interface DynamicType {
  readonly kind: 'dynamic';
}
/** A generic type parameter inside a member signature (`T` in `Where<T>`). */
export interface TypeParamType {
  readonly kind: 'param';
  readonly name: string;
}
export interface AnonymousField {
  readonly name: string;
  readonly type: ClrType;
}
export interface AnonymousType {
  readonly kind: 'anonymous';
  readonly fields: readonly AnonymousField[];
}

export type ClrType =
  | PrimitiveType
  | NamedType
  | ArrayType
  | NullableType
  | NullLiteralType
  | VoidType
  | DynamicType
  | TypeParamType
  | AnonymousType;

/** Functions in member tables are stored loosely typed; the compiler guarantees the arguments. */
export type AnyFunction = (...args: never[]) => unknown;
export type Invoker = (...args: unknown[]) => unknown;

/** Thrown by a member's `bind` factory when a call site is invalid (e.g. `As<int>()`). */
export class MemberBindError extends Error {}

export function asInvoker(fn: AnyFunction): Invoker {
  return fn as unknown as Invoker;
}

export interface ParamDef {
  readonly name: string;
  readonly type: ClrType;
  readonly modifier?: 'out' | 'ref' | 'params' | 'this';
  /** Present when the parameter is optional; the value passed when the caller omits it. */
  readonly defaultValue?: { readonly value: unknown };
}

/** What a member implementation factory learns about one resolved call site. */
export interface BindInfo {
  /** The method's own type arguments after inference (`[int]` for `GetValueOrDefault<int>`). */
  readonly typeArgs: readonly ClrType[];
  /** The receiver's static type (instance and extension members). */
  readonly receiverType?: ClrType;
  /** Static types of the arguments as written, after conversion to the parameter types. */
  readonly argTypes: readonly ClrType[];
  /** The call's static result type. */
  readonly returnType: ClrType;
}

export interface MethodDef {
  readonly kind: 'method';
  readonly name: string;
  readonly typeParams: readonly string[];
  readonly params: readonly ParamDef[];
  readonly returns: ClrType;
  readonly isStatic: boolean;
  /** Extension methods receive the receiver as their first argument. */
  readonly isExtension: boolean;
  /** Either a fixed implementation, or a factory run once per call site at compile time. */
  readonly impl?: AnyFunction;
  readonly bind?: (info: BindInfo) => AnyFunction;
  readonly declaringType: TypeDef;
}

export interface PropertyDef {
  readonly kind: 'property';
  readonly name: string;
  readonly type: ClrType;
  readonly isStatic: boolean;
  readonly get: AnyFunction;
  readonly set?: AnyFunction;
  readonly declaringType: TypeDef;
  /** C# `const` fields (int.MaxValue, Math.PI): usable in constant folding. */
  readonly constant?: { readonly value: unknown };
}

export interface IndexerDef {
  readonly params: readonly ParamDef[];
  readonly type: ClrType;
  readonly get: AnyFunction;
  readonly set?: AnyFunction;
}

export type MemberDef = MethodDef | PropertyDef;

/** User-defined conversion operators (Newtonsoft's JToken ⇄ primitives). */
export interface ConversionDef {
  readonly from: ClrType;
  readonly to: ClrType;
  readonly implicit: boolean;
  readonly convert: AnyFunction;
}

export interface TypeDef {
  readonly name: string;
  readonly namespace: string;
  readonly typeParams: readonly string[];
  /** The C# keyword for the type, when it has one (`string`, `object`). */
  readonly keyword?: string;
  readonly isValueType: boolean;
  readonly isInterface: boolean;
  readonly isStatic: boolean;
  readonly isEnum: boolean;
  /** Direct base class and interfaces, in terms of this type's own type parameters. */
  baseTypes: readonly ClrType[];
  readonly instanceMembers: Map<string, MemberDef[]>;
  readonly staticMembers: Map<string, MemberDef[]>;
  readonly constructors: MethodDef[];
  readonly indexers: IndexerDef[];
  readonly conversions: ConversionDef[];
  readonly enumValues: Map<string, number>;
  /** Run-time type test used by casts, `is` and `as`. */
  readonly isInstance: (value: unknown) => boolean;
  readonly fullName: string;
  /** `default(T)` for value types represented by a runtime class (DateTime, Guid, TimeSpan). */
  readonly defaultValue?: () => unknown;
}

export const VOID: VoidType = { kind: 'void' };
export const NULL_TYPE: NullLiteralType = { kind: 'null' };
export const DYNAMIC: DynamicType = { kind: 'dynamic' };

const primitiveCache = new Map<PrimitiveName, PrimitiveType>();
export function primitive(name: PrimitiveName): PrimitiveType {
  let t = primitiveCache.get(name);
  if (!t) {
    t = { kind: 'primitive', name };
    primitiveCache.set(name, t);
  }
  return t;
}

export function named(def: TypeDef, args: readonly ClrType[] = []): NamedType {
  return { kind: 'named', def, args };
}
export function arrayOf(element: ClrType): ArrayType {
  return { kind: 'array', element };
}
export function nullableOf(underlying: ClrType): ClrType {
  return underlying.kind === 'nullable' ? underlying : { kind: 'nullable', underlying };
}

export const INTEGRAL_TYPES: ReadonlySet<PrimitiveName> = new Set([
  'sbyte',
  'byte',
  'short',
  'ushort',
  'int',
  'uint',
  'long',
  'ulong',
  'char',
]);

export function isPrimitive(t: ClrType, ...names: PrimitiveName[]): t is PrimitiveType {
  return t.kind === 'primitive' && (names.length === 0 || names.includes(t.name));
}
export function isNamed(t: ClrType, def: TypeDef): t is NamedType {
  return t.kind === 'named' && t.def === def;
}

/** Value types cannot hold null (except through Nullable<T>). */
export function isValueType(t: ClrType): boolean {
  switch (t.kind) {
    case 'primitive':
      return true;
    case 'named':
      return t.def.isValueType;
    default:
      return false;
  }
}

export function isReferenceLike(t: ClrType): boolean {
  return !isValueType(t) && t.kind !== 'void';
}

export function sameType(a: ClrType, b: ClrType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'primitive':
      return a.name === (b as PrimitiveType).name;
    case 'named': {
      const bn = b as NamedType;
      return a.def === bn.def && a.args.length === bn.args.length && a.args.every((x, i) => sameType(x, bn.args[i]));
    }
    case 'array':
      return sameType(a.element, (b as ArrayType).element);
    case 'nullable':
      return sameType(a.underlying, (b as NullableType).underlying);
    case 'param':
      return a.name === (b as TypeParamType).name;
    case 'anonymous': {
      const bf = (b as AnonymousType).fields;
      return a.fields.length === bf.length && a.fields.every((f, i) => f.name === bf[i].name && sameType(f.type, bf[i].type));
    }
    default:
      return true;
  }
}

/** C#-style display name, used in every compile error message. */
export function typeName(t: ClrType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'named': {
      const base = t.def.keyword ?? t.def.name;
      return t.args.length ? `${base}<${t.args.map(typeName).join(', ')}>` : base;
    }
    case 'array':
      return `${typeName(t.element)}[]`;
    case 'nullable':
      return `${typeName(t.underlying)}?`;
    case 'null':
      return 'null';
    case 'void':
      return 'void';
    case 'dynamic':
      return 'dynamic';
    case 'param':
      return t.name;
    case 'anonymous':
      return `<anonymous type: ${t.fields.map((f) => `${typeName(f.type)} ${f.name}`).join(', ')}>`;
  }
}

export type Substitution = ReadonlyMap<string, ClrType>;

export function substitute(t: ClrType, subst: Substitution): ClrType {
  if (subst.size === 0) return t;
  switch (t.kind) {
    case 'param':
      return subst.get(t.name) ?? t;
    case 'named':
      return t.args.length ? named(t.def, t.args.map((a) => substitute(a, subst))) : t;
    case 'array':
      return arrayOf(substitute(t.element, subst));
    case 'nullable':
      return nullableOf(substitute(t.underlying, subst));
    default:
      return t;
  }
}

export function containsTypeParam(t: ClrType): boolean {
  switch (t.kind) {
    case 'param':
      return true;
    case 'named':
      return t.args.some(containsTypeParam);
    case 'array':
      return containsTypeParam(t.element);
    case 'nullable':
      return containsTypeParam(t.underlying);
    default:
      return false;
  }
}

/** The substitution mapping a generic definition's parameters to a constructed type's arguments. */
export function typeArgsOf(t: NamedType): Substitution {
  const m = new Map<string, ClrType>();
  t.def.typeParams.forEach((p, i) => m.set(p, t.args[i] ?? DYNAMIC));
  return m;
}
