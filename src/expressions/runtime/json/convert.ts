/**
 * CLR values ⇄ JTokens: what `new JObject(...)`, `JToken.FromObject` and JsonConvert produce
 * from runtime values, and Newtonsoft's explicit conversions / `Value<T>()` / `ToObject<T>()`
 * back to CLR types (with its exception messages).
 */
import type { ClrType } from '../../types/model.js';
import { MemberBindError, typeName } from '../../types/model.js';
import { runtimeCast } from '../../types/conversions.js';
import { argumentError, argumentNull, formatError, invalidCast, overflow } from '../exceptions.js';
import { AnonymousObject, clrToString } from '../object.js';
import { ClrDictionary, KeyValuePair } from '../collections.js';
import { ClrDateTime, ClrDateTimeOffset, ClrTimeSpan } from '../datetime.js';
import { ClrGuid, parseGuid } from '../guid.js';
import { ClrUri } from '../uri.js';
import { fromBase64 } from '../convert.js';
import { integralRange, isBigIntType, parseBoolean, parseFloating, parseIntegral } from '../numeric.js';
import { roundHalfEven } from '../math.js';
import { formatDoubleDefault } from '../number-format.js';
import { JArray, JObject, JProperty, JToken, JTokenType, JTOKEN_TYPE_NAMES, JValue } from './model.js';

/** A CLR value as a JToken (JToken.FromObject semantics for the runtime representations). */
export function fromClr(v: unknown, depth = 0): JToken {
  if (depth > 64) throw argumentError('Self referencing loop detected.');
  if (v === null || v === undefined) return JValue.null();
  if (v instanceof JToken) return v;
  switch (typeof v) {
    case 'string':
      return new JValue(JTokenType.String, v);
    case 'boolean':
      return new JValue(JTokenType.Boolean, v);
    case 'number':
      return new JValue(Number.isInteger(v) ? JTokenType.Integer : JTokenType.Float, v);
    case 'bigint':
      return new JValue(JTokenType.Integer, v);
    case 'function':
      throw argumentError('Could not determine JSON object type for type System.Delegate.');
    default:
      break;
  }
  if (v instanceof ClrDateTime || v instanceof ClrDateTimeOffset) return new JValue(JTokenType.Date, v);
  if (v instanceof ClrGuid) return new JValue(JTokenType.Guid, v);
  if (v instanceof ClrUri) return new JValue(JTokenType.Uri, v);
  if (v instanceof ClrTimeSpan) return new JValue(JTokenType.TimeSpan, v);
  if (v instanceof Uint8Array) return new JValue(JTokenType.Bytes, v);
  if (v instanceof AnonymousObject) {
    const o = new JObject();
    for (const [k, x] of v.fields) o.addProperty(new JProperty(k, fromClr(x, depth + 1)));
    return o;
  }
  if (v instanceof ClrDictionary) {
    const o = new JObject();
    for (const e of v) o.set(clrToString(e.key), fromClr(e.value, depth + 1));
    return o;
  }
  if (v instanceof KeyValuePair) {
    const o = new JObject();
    o.set('Key', fromClr(v.key, depth + 1));
    o.set('Value', fromClr(v.value, depth + 1));
    return o;
  }
  if (typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') {
    const a = new JArray();
    for (const x of v as Iterable<unknown>) a.add(fromClr(x, depth + 1));
    return a;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const o = new JObject();
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'function') o.set(k, fromClr(x, depth + 1));
    return o;
  }
  return new JValue(JTokenType.String, clrToString(v));
}

function isContentList(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === 'object' && !(v instanceof JToken) && !(v instanceof Uint8Array) && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function' && !(v instanceof ClrDictionary);
}

/** JContainer.Add(object content) / the params constructors. */
export function addContent(container: JObject | JArray, content: unknown): void {
  if (container instanceof JArray) {
    if (isContentList(content)) for (const x of content) addContent(container, x);
    else container.add(fromClr(content));
    return;
  }
  if (content === null || content === undefined) return;
  if (content instanceof JProperty) {
    container.addProperty(content);
    return;
  }
  if (content instanceof JObject) {
    for (const p of content.props.values()) container.addProperty(p);
    return;
  }
  if (isContentList(content)) {
    for (const x of content) addContent(container, x);
    return;
  }
  const t = fromClr(content);
  throw argumentError(`Can not add ${t instanceof JValue ? 'Newtonsoft.Json.Linq.JValue' : `Newtonsoft.Json.Linq.${JTOKEN_TYPE_NAMES[t.type]}`} to Newtonsoft.Json.Linq.JObject.`);
}

/** Content given to `new JProperty(name, content)`. */
export function propertyValue(content: unknown): JToken {
  if (isContentList(content)) {
    const a = new JArray();
    for (const x of content) a.add(fromClr(x));
    return a;
  }
  return fromClr(content);
}

const CLR_NAMES: Readonly<Record<string, string>> = {
  bool: 'Boolean',
  char: 'Char',
  sbyte: 'SByte',
  byte: 'Byte',
  short: 'Int16',
  ushort: 'UInt16',
  int: 'Int32',
  uint: 'UInt32',
  long: 'Int64',
  ulong: 'UInt64',
  float: 'Single',
  double: 'Double',
  decimal: 'Decimal',
};

function cannotConvert(t: JToken, to: string): never {
  throw argumentError(`Can not convert ${JTOKEN_TYPE_NAMES[t.type]} to ${to}.`);
}

function valueOf(t: JToken, to: string): JValue {
  if (!(t instanceof JValue)) cannotConvert(t, to);
  return t;
}

function toNumberText(v: JValue): string {
  return v.type === JTokenType.Float ? formatDoubleDefault(v.value as number) : clrToString(v.value);
}

/** Converter for one primitive target (non-nullable): JValue → runtime representation. */
function primitiveConverter(name: string): (t: JToken) => unknown {
  const display = CLR_NAMES[name] ?? name;
  return (t) => {
    const v = valueOf(t, display);
    if (v.type === JTokenType.Null || v.type === JTokenType.Undefined) cannotConvert(t, display);
    const x = v.value;
    if (name === 'bool') {
      if (typeof x === 'boolean') return x;
      if (typeof x === 'string') return parseBoolean(x);
      if (typeof x === 'number' || typeof x === 'bigint') return Number(x) !== 0;
      throw invalidCast(`${JTOKEN_TYPE_NAMES[v.type]}`, 'Boolean');
    }
    if (name === 'double' || name === 'float' || name === 'decimal') {
      const n = typeof x === 'string' ? parseFloating(x) : typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
      return name === 'float' ? Math.fround(n) : n;
    }
    if (name === 'char') {
      if (typeof x === 'string' && x.length === 1) return x;
      if (typeof x === 'number') return String.fromCharCode(x);
      throw formatError('String must be exactly one character long.');
    }
    const range = integralRange(name as 'int')!;
    let b: bigint;
    if (typeof x === 'string') b = BigInt(parseIntegral(x, name === 'ulong' ? 'ulong' : 'long', display));
    else if (typeof x === 'boolean') b = x ? 1n : 0n;
    else if (typeof x === 'bigint') b = x;
    else if (typeof x === 'number') b = BigInt(roundHalfEven(x));
    else throw invalidCast(JTOKEN_TYPE_NAMES[v.type], display);
    if (b < range.min || b > range.max) throw overflow(`Value was either too large or too small for ${/^[AEIOU]/.test(display) ? 'an' : 'a'} ${display}.`);
    return isBigIntType(name as 'long') ? b : Number(b);
  };
}

function stringOf(t: JToken): string | null {
  const v = valueOf(t, 'String');
  if (v.value === null || v.type === JTokenType.Null) return null;
  if (v.type === JTokenType.Bytes) return Buffer.from(v.value as Uint8Array).toString('base64');
  if (v.type === JTokenType.Float || v.type === JTokenType.Integer) return toNumberText(v);
  return clrToString(v.value);
}

function namedConverter(name: string): ((t: JToken) => unknown) | undefined {
  switch (name) {
    case 'DateTime':
      return (t) => {
        const v = valueOf(t, 'DateTime');
        if (v.value instanceof ClrDateTime) return v.value;
        if (v.value instanceof ClrDateTimeOffset) return new ClrDateTime(v.value.ticks, 0);
        if (typeof v.value === 'string') return new ClrDateTime(parseIsoTicks(v.value), 0);
        return cannotConvert(t, 'DateTime');
      };
    case 'Guid':
      return (t) => {
        const v = valueOf(t, 'Guid');
        if (v.value instanceof ClrGuid) return v.value;
        if (typeof v.value === 'string') return parseGuid(v.value);
        return cannotConvert(t, 'Guid');
      };
    case 'TimeSpan':
      return (t) => {
        const v = valueOf(t, 'TimeSpan');
        if (v.value instanceof ClrTimeSpan) return v.value;
        return cannotConvert(t, 'TimeSpan');
      };
    case 'Uri':
      return (t) => {
        const v = valueOf(t, 'Uri');
        if (v.value === null) return null;
        if (v.value instanceof ClrUri) return v.value;
        if (typeof v.value === 'string') return new ClrUri(v.value, /^[a-z][a-z0-9+.-]*:/i.test(v.value) ? new URL(v.value) : undefined);
        return cannotConvert(t, 'Uri');
      };
    default:
      return undefined;
  }
}

function parseIsoTicks(s: string): bigint {
  // Reuses DateTime.Parse semantics without importing the type table.
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?/.exec(s);
  if (!m) throw formatError(`String '${s}' was not recognized as a valid DateTime.`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const frac = BigInt((m[7] ?? '').slice(0, 7).padEnd(7, '0') || '0');
  return 621_355_968_000_000_000n + BigInt(ms) * 10_000n + frac;
}

/**
 * Convert a JToken (or null) to a CLR type: the explicit operators `(string)token`,
 * `(int)token`, `(int?)token`…, plus JToken targets (a checked cast).
 */
export function tokenConverter(target: ClrType): (t: unknown) => unknown {
  const nullable = target.kind === 'nullable';
  const base = target.kind === 'nullable' ? target.underlying : target;
  let conv: ((t: JToken) => unknown) | undefined;
  let acceptsNull = nullable;
  if (base.kind === 'primitive') conv = primitiveConverter(base.name);
  else if (base.kind === 'named' && base.def.name === 'String' && base.def.namespace === 'System') {
    conv = stringOf;
    acceptsNull = true;
  } else if (base.kind === 'array' && base.element.kind === 'primitive' && base.element.name === 'byte') {
    conv = (t) => {
      const v = valueOf(t, 'byte[]');
      if (v.value instanceof Uint8Array) return v.value;
      if (typeof v.value === 'string') return fromBase64(v.value);
      return v.value === null ? null : cannotConvert(t, 'byte[]');
    };
    acceptsNull = true;
  } else if (base.kind === 'named') {
    conv = namedConverter(base.def.name);
    if (base.def.name === 'Uri') acceptsNull = true;
  }
  if (!conv) throw new MemberBindError(`No JToken conversion to ${typeName(target)}`);
  const c = conv;
  return (t) => {
    if (t === null || t === undefined) {
      if (acceptsNull) return null;
      throw argumentNull('value');
    }
    const token = t as JToken;
    if (acceptsNull && token instanceof JValue && (token.type === JTokenType.Null || token.type === JTokenType.Undefined)) return null;
    return c(token);
  };
}

export function hasTokenConverter(target: ClrType): boolean {
  try {
    tokenConverter(target);
    return true;
  } catch {
    return false;
  }
}

function isTokenType(t: ClrType): boolean {
  return t.kind === 'named' && t.def.namespace === 'Newtonsoft.Json.Linq' && t.def.name.startsWith('J');
}

/** `token.ToObject<T>()`: primitives, JTokens, arrays/lists and string-keyed dictionaries. */
export function toObject(target: ClrType): (t: unknown) => unknown {
  if (isTokenType(target)) return runtimeCast(target);
  if (target.kind === 'named' && target.def.name === 'Object' && target.def.namespace === 'System') {
    return (t) => (t instanceof JValue ? t.value : t);
  }
  if (hasTokenConverter(target)) return tokenConverter(target);
  const element = target.kind === 'array' ? target.element : target.kind === 'named' && ['List', 'IList', 'IEnumerable', 'IReadOnlyList', 'ICollection'].includes(target.def.name) ? target.args[0] : undefined;
  if (element) {
    const each = toObject(element);
    const bytes = element.kind === 'primitive' && element.name === 'byte' && target.kind === 'array';
    return (t) => {
      if (t === null || t === undefined || (t instanceof JValue && t.value === null)) return null;
      if (!(t instanceof JArray)) throw invalidCast(JTOKEN_TYPE_NAMES[(t as JToken).type], typeName(target));
      const out = t.items.map(each);
      return bytes ? Uint8Array.from(out as number[]) : out;
    };
  }
  if (target.kind === 'named' && ['Dictionary', 'IDictionary', 'IReadOnlyDictionary'].includes(target.def.name)) {
    const each = toObject(target.args[1]);
    return (t) => {
      if (t === null || t === undefined || (t instanceof JValue && t.value === null)) return null;
      if (!(t instanceof JObject)) throw invalidCast(JTOKEN_TYPE_NAMES[(t as JToken).type], typeName(target));
      const d = new ClrDictionary();
      for (const [k, p] of t.props) d.add(k, each(p.value));
      return d;
    };
  }
  throw new MemberBindError(`ToObject<${typeName(target)}> is not supported`);
}

/** Newtonsoft's Extensions.Value<T>: null token → default(T), JValue → converted value. */
export function valueConverter(target: ClrType, dflt: unknown): (t: unknown) => unknown {
  if (isTokenType(target)) return runtimeCast(target);
  const conv = toObject(target);
  return (t) => (t === null || t === undefined ? dflt : conv(t));
}
