/**
 * Newtonsoft.Json.Linq's token model: JToken, JContainer, JObject (ordered properties),
 * JArray, JProperty and JValue (with Newtonsoft's value kinds, so 1 and 1.0 stay distinct).
 * Adding a token that already has a parent adds a deep clone, as Newtonsoft does.
 */
import { argumentError, argumentOutOfRange, invalidOperation } from '../exceptions.js';
import { CLR_CONVERTIBLE, CLR_TYPE } from '../object.js';
import { KeyValuePair } from '../collections.js';

export const JTokenType = {
  None: 0,
  Object: 1,
  Array: 2,
  Constructor: 3,
  Property: 4,
  Comment: 5,
  Integer: 6,
  Float: 7,
  String: 8,
  Boolean: 9,
  Null: 10,
  Undefined: 11,
  Date: 12,
  Raw: 13,
  Bytes: 14,
  Guid: 15,
  Uri: 16,
  TimeSpan: 17,
} as const;
export type JTokenType = (typeof JTokenType)[keyof typeof JTokenType];

export const JTOKEN_TYPE_NAMES: readonly string[] = Object.keys(JTokenType);

/** Serialization hook, installed by write.ts (keeps the model free of formatting code). */
export const serializer: { write?: (t: JToken, indented: boolean) => string; valueText?: (v: JValue) => string } = {};

export abstract class JToken {
  parent: JContainer | null = null;
  abstract readonly type: JTokenType;
  abstract deepClone(): JToken;
  abstract children(): JToken[];

  get root(): JToken {
    return this.parent ? this.parent.root : this;
  }

  /** JSONPath-like location, e.g. `a.b[0]` (Newtonsoft's JToken.Path). */
  get path(): string {
    const p = this.parent;
    if (!p) return '';
    const base = p.path;
    if (p instanceof JArray) return `${base}[${p.items.indexOf(this)}]`;
    if (p instanceof JObject && this instanceof JProperty) {
      const seg = /^[A-Za-z_$][\w$]*$/.test(this.name) ? this.name : `['${this.name.replace(/'/g, "\\'")}']`;
      return seg.startsWith('[') || base === '' ? base + seg : `${base}.${seg}`;
    }
    // The value of a property shares the property's path.
    return base;
  }

  /** Remove this token from its parent. */
  remove(): void {
    const p = this.parent;
    if (!p) throw invalidOperation('The parent is missing.');
    p.removeChild(this);
  }

  toString(): string {
    return serializer.write!(this, true);
  }
}

export abstract class JContainer extends JToken {
  abstract removeChild(t: JToken): void;
}

/** Detach-or-clone: a token can have one parent. */
export function adopt(t: JToken, parent: JContainer): JToken {
  const own = t.parent === null && t !== parent ? t : t.deepClone();
  own.parent = parent;
  return own;
}

export class JValue extends JToken {
  readonly [CLR_TYPE] = 'Newtonsoft.Json.Linq.JValue';
  constructor(
    readonly type: JTokenType,
    public value: unknown,
  ) {
    super();
  }
  [CLR_CONVERTIBLE](): unknown {
    return this.value;
  }
  static null(): JValue {
    return new JValue(JTokenType.Null, null);
  }
  deepClone(): JValue {
    return new JValue(this.type, this.value);
  }
  children(): JToken[] {
    return [];
  }
  /** JValue.ToString() prints the value, not JSON. */
  override toString(): string {
    return serializer.valueText!(this);
  }
  equals(o: unknown): boolean {
    if (!(o instanceof JValue)) return false;
    if (this.value === null || o.value === null) return this.value === o.value;
    // Integer and Float compare by numeric value, as JValue.Equals does.
    if ((typeof this.value === 'number' || typeof this.value === 'bigint') && (typeof o.value === 'number' || typeof o.value === 'bigint')) {
       
      return this.value == o.value;
    }
    const a = this.value as { equals?: (x: unknown) => boolean };
    if (typeof a.equals === 'function') return a.equals(o.value);
    return this.value === o.value;
  }
}

export class JProperty extends JContainer {
  readonly [CLR_TYPE] = 'Newtonsoft.Json.Linq.JProperty';
  readonly type = JTokenType.Property;
  private _value: JToken;
  constructor(
    readonly name: string,
    value: JToken,
  ) {
    super();
    this._value = adopt(value, this);
  }
  get value(): JToken {
    return this._value;
  }
  set value(v: JToken) {
    this._value.parent = null;
    this._value = adopt(v, this);
  }
  deepClone(): JProperty {
    return new JProperty(this.name, this._value.deepClone());
  }
  children(): JToken[] {
    return [this._value];
  }
  removeChild(): void {
    throw invalidOperation('Cannot add or remove items from Newtonsoft.Json.Linq.JProperty.');
  }
}

export class JObject extends JContainer implements Iterable<KeyValuePair> {
  readonly [CLR_TYPE] = 'Newtonsoft.Json.Linq.JObject';
  readonly type = JTokenType.Object;
  readonly props = new Map<string, JProperty>();

  get(name: string): JToken | null {
    return this.props.get(name)?.value ?? null;
  }
  /** Set or replace a property value, keeping its position. */
  set(name: string, value: JToken): void {
    const existing = this.props.get(name);
    if (existing) existing.value = value;
    else this.addProperty(new JProperty(name, value));
  }
  addProperty(p: JProperty): void {
    if (this.props.has(p.name)) throw argumentError(`Can not add property ${p.name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object.`);
    const own = adopt(p, this) as JProperty;
    this.props.set(own.name, own);
  }
  removeProperty(name: string): boolean {
    const p = this.props.get(name);
    if (!p) return false;
    p.parent = null;
    this.props.delete(name);
    return true;
  }
  removeChild(t: JToken): void {
    if (t instanceof JProperty) this.removeProperty(t.name);
  }
  deepClone(): JObject {
    const o = new JObject();
    for (const p of this.props.values()) o.addProperty(p.deepClone());
    return o;
  }
  children(): JToken[] {
    return [...this.props.values()];
  }
  get count(): number {
    return this.props.size;
  }
  *[Symbol.iterator](): Iterator<KeyValuePair> {
    for (const p of this.props.values()) yield new KeyValuePair(p.name, p.value);
  }
}

export class JArray extends JContainer implements Iterable<JToken> {
  readonly [CLR_TYPE] = 'Newtonsoft.Json.Linq.JArray';
  readonly type = JTokenType.Array;
  readonly items: JToken[] = [];

  add(t: JToken): void {
    this.items.push(adopt(t, this));
  }
  at(i: number): JToken {
    if (i < 0 || i >= this.items.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
    return this.items[i];
  }
  setAt(i: number, t: JToken): void {
    if (i < 0 || i >= this.items.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
    this.items[i].parent = null;
    this.items[i] = adopt(t, this);
  }
  insert(i: number, t: JToken): void {
    if (i < 0 || i > this.items.length) throw argumentOutOfRange('index', 'Index must be within the bounds of the List.');
    this.items.splice(i, 0, adopt(t, this));
  }
  removeChild(t: JToken): void {
    const i = this.items.indexOf(t);
    if (i >= 0) {
      this.items.splice(i, 1);
      t.parent = null;
    }
  }
  deepClone(): JArray {
    const a = new JArray();
    for (const t of this.items) a.add(t.deepClone());
    return a;
  }
  children(): JToken[] {
    return [...this.items];
  }
  get count(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<JToken> {
    return this.items[Symbol.iterator]();
  }
}

/** Iterating a non-object token yields its children (JToken implements IEnumerable<JToken>). */
for (const cls of [JValue, JProperty]) {
  Object.defineProperty(cls.prototype, Symbol.iterator, {
    value(this: JToken): Iterator<JToken> {
      return this.children()[Symbol.iterator]();
    },
  });
}

export function deepEquals(a: JToken | null, b: JToken | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.type !== b.type && !(a instanceof JValue && b instanceof JValue)) return false;
  if (a instanceof JValue) return b instanceof JValue && a.equals(b);
  if (a instanceof JProperty) return b instanceof JProperty && a.name === b.name && deepEquals(a.value, b.value);
  if (a instanceof JArray) return b instanceof JArray && a.count === b.count && a.items.every((x, i) => deepEquals(x, b.items[i]));
  if (a instanceof JObject && b instanceof JObject) {
    if (a.count !== b.count) return false;
    for (const [k, p] of a.props) if (!deepEquals(p.value, b.get(k))) return false;
    return true;
  }
  return false;
}
