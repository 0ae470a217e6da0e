/**
 * The registry of every CLR type an expression may name. A type that is not registered
 * here does not exist for the compiler: that is the allow-list APIM enforces, and it is
 * what turns `System.IO.File.ReadAllText(…)` into a compile error rather than a risk.
 *
 * Types are declared in two phases because member signatures refer to each other
 * (`JObject.Parse` returns `JObject`, `List<T>.ToArray` returns `T[]`): first every
 * runtime module declares its types, then `sealRegistry()` parses all signatures.
 */
import type {
  AnyFunction,
  BindInfo,
  ClrType,
  ConversionDef,
  IndexerDef,
  MemberDef,
  MethodDef,
  PrimitiveName,
  PropertyDef,
  TypeDef,
} from './model.js';
import { DYNAMIC, VOID, named, primitive } from './model.js';
import { parseMethodSignature, parseTypeString, type TypeNameResolver } from './signature.js';

export interface TypeSpec {
  readonly name: string;
  readonly namespace: string;
  readonly typeParams?: readonly string[];
  readonly keyword?: string;
  readonly valueType?: boolean;
  readonly interface?: boolean;
  readonly static?: boolean;
  /** Base class and interfaces as type strings in terms of `typeParams`. */
  readonly bases?: readonly string[];
  readonly isInstance?: (value: unknown) => boolean;
  readonly enumValues?: Readonly<Record<string, number>>;
  /** The primitive this definition carries members for (`Int32` for `int`). */
  readonly primitive?: PrimitiveName;
  readonly defaultValue?: () => unknown;
  readonly members?: (b: MemberBuilder) => void;
}

export type MemberImpl = AnyFunction | { readonly bind: (info: BindInfo) => AnyFunction };

export interface MemberBuilder {
  prop(name: string, type: string, get: AnyFunction, set?: AnyFunction): void;
  staticProp(name: string, type: string, get: AnyFunction): void;
  /** A C# `const` field: folded at compile time like a literal. */
  constant(name: string, type: string, value: unknown): void;
  method(name: string, signature: string, impl: MemberImpl): void;
  staticMethod(name: string, signature: string, impl: MemberImpl): void;
  /** A C# extension method: the first parameter is the receiver (`this`). */
  extension(name: string, signature: string, impl: MemberImpl): void;
  ctor(signature: string, impl: MemberImpl): void;
  indexer(signature: string, get: AnyFunction, set?: AnyFunction): void;
  implicitFrom(type: string, convert: AnyFunction): void;
  explicitTo(type: string, convert: AnyFunction): void;
}

interface MutableTypeDef extends TypeDef {
  primitive?: PrimitiveName;
}

const byKey = new Map<string, MutableTypeDef>();
const byFullName = new Map<string, MutableTypeDef>();
const specs = new Map<MutableTypeDef, TypeSpec>();
const extensions = new Map<string, MethodDef[]>();
const primitiveDefs = new Map<PrimitiveName, MutableTypeDef>();
let sealed = false;

const KEYWORD_PRIMITIVES: ReadonlySet<string> = new Set([
  'bool',
  'char',
  'sbyte',
  'byte',
  'short',
  'ushort',
  'int',
  'uint',
  'long',
  'ulong',
  'float',
  'double',
  'decimal',
]);

function key(name: string, arity: number): string {
  return arity ? `${name}\`${arity}` : name;
}

export function defineType(spec: TypeSpec): TypeDef {
  if (sealed) throw new Error(`Type ${spec.name} defined after the registry was sealed`);
  const typeParams = spec.typeParams ?? [];
  const def: MutableTypeDef = {
    name: spec.name,
    namespace: spec.namespace,
    typeParams,
    keyword: spec.keyword,
    isValueType: spec.valueType ?? spec.enumValues !== undefined,
    isInterface: spec.interface ?? false,
    isStatic: spec.static ?? false,
    isEnum: spec.enumValues !== undefined,
    baseTypes: [],
    instanceMembers: new Map(),
    staticMembers: new Map(),
    constructors: [],
    indexers: [],
    conversions: [],
    enumValues: new Map(Object.entries(spec.enumValues ?? {})),
    isInstance: spec.isInstance ?? (() => false),
    fullName: `${spec.namespace}.${spec.name}`,
    primitive: spec.primitive,
    defaultValue: spec.defaultValue,
  };
  const k = key(spec.name, typeParams.length);
  if (byKey.has(k)) throw new Error(`Type ${k} defined twice`);
  byKey.set(k, def);
  byFullName.set(`${spec.namespace}.${k}`, def);
  specs.set(def, spec);
  if (spec.primitive) primitiveDefs.set(spec.primitive, def);
  return def;
}

/** Look a type up by simple or namespace-qualified name and generic arity. */
export function findTypeDef(name: string, arity = 0): TypeDef | undefined {
  const k = key(name, arity);
  return name.includes('.') ? byFullName.get(k) : byKey.get(k);
}

export function primitiveDef(name: PrimitiveName): TypeDef | undefined {
  return primitiveDefs.get(name);
}

export function extensionMethods(name: string): readonly MethodDef[] {
  return extensions.get(name) ?? [];
}

/** Resolves names in member signatures and in C# type syntax alike. */
export const resolveTypeName: TypeNameResolver = (name, args, scope) => {
  if (scope.has(name) && args.length === 0) return { kind: 'param', name };
  if (KEYWORD_PRIMITIVES.has(name) && args.length === 0) return primitive(name as PrimitiveName);
  if (name === 'void') return VOID;
  if (name === 'dynamic') return DYNAMIC;
  if (name === 'string') return named(requireDef('String'));
  if (name === 'object') return named(requireDef('Object'));
  const def = findTypeDef(name, args.length);
  if (!def) throw new Error(`Unknown type '${name}' with ${args.length} type argument(s)`);
  if ((def as MutableTypeDef).primitive) return primitive((def as MutableTypeDef).primitive!);
  return named(def, args);
};

function requireDef(name: string, arity = 0): TypeDef {
  const def = findTypeDef(name, arity);
  if (!def) throw new Error(`Type ${name} is not registered`);
  return def;
}

function addMember(map: Map<string, MemberDef[]>, m: MemberDef): void {
  const list = map.get(m.name);
  if (list) list.push(m);
  else map.set(m.name, [m]);
}

function splitImpl(impl: MemberImpl): { impl?: AnyFunction; bind?: (info: BindInfo) => AnyFunction } {
  return typeof impl === 'function' ? { impl } : { bind: impl.bind };
}

function builderFor(def: MutableTypeDef): MemberBuilder {
  const scope = new Set(def.typeParams);
  const type = (s: string): ClrType => parseTypeString(s, resolveTypeName, scope);
  const method = (name: string, sig: string, impl: MemberImpl, isStatic: boolean, isExtension: boolean): MethodDef => {
    const parsed = parseMethodSignature(sig, resolveTypeName, scope);
    return {
      kind: 'method',
      name,
      typeParams: parsed.typeParams,
      params: parsed.params,
      returns: parsed.returns,
      isStatic,
      isExtension,
      declaringType: def,
      ...splitImpl(impl),
    };
  };
  return {
    prop(name, t, get, set) {
      const p: PropertyDef = { kind: 'property', name, type: type(t), isStatic: false, get, set, declaringType: def };
      addMember(def.instanceMembers, p);
    },
    staticProp(name, t, get) {
      const p: PropertyDef = { kind: 'property', name, type: type(t), isStatic: true, get, declaringType: def };
      addMember(def.staticMembers, p);
    },
    constant(name, t, value) {
      const p: PropertyDef = { kind: 'property', name, type: type(t), isStatic: true, get: () => value, declaringType: def, constant: { value } };
      addMember(def.staticMembers, p);
    },
    method(name, sig, impl) {
      addMember(def.instanceMembers, method(name, sig, impl, false, false));
    },
    staticMethod(name, sig, impl) {
      addMember(def.staticMembers, method(name, sig, impl, true, false));
    },
    extension(name, sig, impl) {
      const m = method(name, sig, impl, true, true);
      addMember(def.staticMembers, m);
      const list = extensions.get(name);
      if (list) list.push(m);
      else extensions.set(name, [m]);
    },
    ctor(sig, impl) {
      def.constructors.push(method('.ctor', `void${sig}`, impl, true, false));
    },
    indexer(sig, get, set) {
      const parsed = parseMethodSignature(sig, resolveTypeName, scope);
      const ix: IndexerDef = { params: parsed.params, type: parsed.returns, get, set };
      def.indexers.push(ix);
    },
    implicitFrom(t, convert) {
      const c: ConversionDef = { from: type(t), to: selfType(def), implicit: true, convert };
      def.conversions.push(c);
    },
    explicitTo(t, convert) {
      const c: ConversionDef = { from: selfType(def), to: type(t), implicit: false, convert };
      def.conversions.push(c);
    },
  };
}

function selfType(def: TypeDef): ClrType {
  return named(
    def,
    def.typeParams.map((name) => ({ kind: 'param', name }) as const),
  );
}

/** Parse every registered member signature. Idempotent; run before the first compile. */
export function sealRegistry(): void {
  if (sealed) return;
  sealed = true;
  for (const [def, spec] of specs) {
    const scope = new Set(def.typeParams);
    def.baseTypes = (spec.bases ?? []).map((b) => parseTypeString(b, resolveTypeName, scope));
  }
  for (const [def, spec] of specs) {
    const b = builderFor(def);
    if (def.isEnum) {
      const names = new Map([...def.enumValues].map(([k, v]) => [v, k]));
      b.method('ToString', 'string()', (v: number) => names.get(v) ?? String(v));
      b.method('HasFlag', `bool(${def.name} flag)`, (v: number, f: number) => (v & f) === f);
    }
    spec.members?.(b);
  }
}

export function allTypeDefs(): readonly TypeDef[] {
  return [...byKey.values()];
}
