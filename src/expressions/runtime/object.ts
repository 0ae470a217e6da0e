/**
 * System.Object behaviour for any runtime value: ToString(), Equals(), GetHashCode() and the
 * CLR type name used in InvalidCastException messages. Runtime classes (JObject, DateTime,
 * Guid…) override JS `toString()` with their .NET ToString() and may define `equals()`.
 */
import { formatDoubleDefault } from './number-format.js';

/**
 * IConvertible: values such as JValue expose the primitive they wrap, so
 * `Convert.ToInt32(token)` works as it does in .NET.
 */
export const CLR_CONVERTIBLE: unique symbol = Symbol('IConvertible');

export function unwrapConvertible(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && CLR_CONVERTIBLE in v) return (v as { [CLR_CONVERTIBLE]: () => unknown })[CLR_CONVERTIBLE]();
  return v;
}

/** Runtime classes name their CLR type through this symbol (for messages and GetType()). */
export const CLR_TYPE: unique symbol = Symbol('clrType');

export interface ClrTyped {
  readonly [CLR_TYPE]: string;
}

export interface ClrEquatable {
  equals(other: unknown): boolean;
}

function hasEquals(v: object): v is ClrEquatable {
  return typeof (v as Partial<ClrEquatable>).equals === 'function';
}

/** An anonymous-type instance (`new { a = 1 }`): prints `{ a = 1 }`, compares by value. */
export class AnonymousObject {
  readonly [CLR_TYPE] = '<>f__AnonymousType';
  constructor(readonly fields: Map<string, unknown>) {}
  toString(): string {
    if (this.fields.size === 0) return '{ }';
    return `{ ${[...this.fields].map(([k, v]) => `${k} = ${clrToString(v)}`).join(', ')} }`;
  }
  equals(other: unknown): boolean {
    if (!(other instanceof AnonymousObject) || other.fields.size !== this.fields.size) return false;
    for (const [k, v] of this.fields) if (!other.fields.has(k) || !clrEquals(v, other.fields.get(k))) return false;
    return true;
  }
}

export function runtimeTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return v.length === 1 ? 'System.String' : 'System.String';
    case 'boolean':
      return 'System.Boolean';
    case 'number':
      return Number.isInteger(v) ? 'System.Int32' : 'System.Double';
    case 'bigint':
      return 'System.Int64';
    case 'function':
      return 'System.Delegate';
    case 'object': {
      if (v instanceof Uint8Array) return 'System.Byte[]';
      if (Array.isArray(v)) return 'System.Object[]';
      const tagged = (v as Partial<ClrTyped>)[CLR_TYPE];
      return tagged ?? 'System.Object';
    }
    default:
      return 'System.Object';
  }
}

/** `value.ToString()` (and string concatenation / interpolation of a non-null value). */
export function clrToString(v: unknown): string {
  if (v === null || v === undefined) return '';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
      return formatDoubleDefault(v);
    case 'bigint':
      return v.toString();
    case 'object':
      if (v instanceof Uint8Array || Array.isArray(v)) return runtimeTypeName(v);
      if (Object.getPrototypeOf(v) === Object.prototype) return runtimeTypeName(v);
      // Runtime classes override toString() with their .NET ToString().
      return (v as { toString(): string }).toString();
    default:
      return runtimeTypeName(v);
  }
}

/** `object.Equals(a, b)`: value equality for strings, numbers and value-like runtime classes. */
export function clrEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
       
      return a == b;
    }
    return false;
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === 'object' && hasEquals(a)) return a.equals(b);
  return false;
}

/** A stable hash for dictionary keys of value-like runtime classes. */
export function clrHashKey(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && hasEquals(v)) {
    return `${runtimeTypeName(v)}:${clrToString(v)}`;
  }
  return v;
}

export function clrGetHashCode(v: unknown): number {
  const s = typeof v === 'string' ? v : clrToString(v);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
