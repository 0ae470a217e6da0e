/**
 * The C# surface of Newtonsoft.Json: JToken, JContainer, JObject, JArray, JProperty, JValue,
 * JTokenType, Formatting and JsonConvert, including the implicit (primitive → JToken) and
 * explicit (JToken → primitive) conversion operators.
 */
import type { BindInfo, ClrType } from '../../types/model.js';
import { MemberBindError } from '../../types/model.js';
import { defineType, resolveTypeName } from '../../types/registry.js';
import { parseTypeString } from '../../types/signature.js';
import { defaultValueOf } from '../../types/conversions.js';
import { argumentError, argumentNull, invalidOperation } from '../exceptions.js';
import { registerBodyConverter, decodeUtf8 } from '../context-types.js';
import { ignoresCase } from '../string.js';
import { addContent, fromClr, propertyValue, toObject, tokenConverter, valueConverter } from './convert.js';
import { JArray, JContainer, JObject, JProperty, JToken, JTokenType, JValue, deepEquals } from './model.js';
import { jsonReaderError, parseJson } from './read.js';
import { writeJson } from './write.js';
import { selectToken, selectTokens } from './select.js';

interface OutCell {
  value: unknown;
}

const Formatting = { None: 0, Indented: 1 } as const;

function parseAs<T extends JToken>(text: string | null, cls: abstract new (...args: never[]) => T, what: string): T {
  if (text === null) throw argumentNull('json');
  const t = parseJson(text);
  if (!(t instanceof cls)) {
    const found = t instanceof JArray ? 'StartArray' : t instanceof JObject ? 'StartObject' : JTokenTypeName(t);
    throw jsonReaderError(`Error reading ${what} from JsonReader. Current JsonReader item is not ${what === 'JArray' ? 'an array' : 'an object'}: ${found}.`, text, 1);
  }
  return t;
}

function JTokenTypeName(t: JToken): string {
  return Object.keys(JTokenType).find((k) => JTokenType[k as keyof typeof JTokenType] === t.type) ?? 'None';
}

/** JToken's `this[object key]`: string keys on objects, int keys on arrays. */
function childByKey(t: JToken, key: unknown): JToken | null {
  if (t instanceof JObject) {
    if (typeof key !== 'string') throw argumentError(`Accessed JObject values with invalid key value: ${String(key)}. Object property name expected.`);
    return t.get(key);
  }
  if (t instanceof JArray) {
    if (typeof key !== 'number') throw argumentError(`Accessed JArray values with invalid key value: "${String(key)}". Int32 array index expected.`);
    return t.at(key);
  }
  throw invalidOperation(`Cannot access child value on Newtonsoft.Json.Linq.${t instanceof JProperty ? 'JProperty' : 'JValue'}.`);
}

function setChildByKey(t: JToken, key: unknown, value: unknown): void {
  const v = (value as JToken | null) ?? JValue.null();
  if (t instanceof JObject && typeof key === 'string') t.set(key, v);
  else if (t instanceof JArray && typeof key === 'number') t.setAt(key, v);
  else throw invalidOperation(`Cannot set child value on Newtonsoft.Json.Linq.${t instanceof JProperty ? 'JProperty' : 'JValue'}.`);
}

function bindOrFail<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof MemberBindError) throw e;
    throw new MemberBindError((e as Error).message);
  }
}

function findProperty(o: JObject, name: string, comparison: number): JProperty | null {
  const exact = o.props.get(name);
  if (exact || !ignoresCase(comparison)) return exact ?? null;
  const lower = name.toLowerCase();
  for (const p of o.props.values()) if (p.name.toLowerCase() === lower) return p;
  return null;
}

/** JContainer.Merge with Newtonsoft's defaults (objects merge recursively, arrays concatenate). */
function merge(target: JObject, content: unknown): void {
  if (!(content instanceof JObject)) return;
  for (const p of content.props.values()) {
    const existing = target.get(p.name);
    if (existing instanceof JObject && p.value instanceof JObject) merge(existing, p.value);
    else if (existing instanceof JArray && p.value instanceof JArray) for (const x of p.value.items) existing.add(x.deepClone());
    else if (!(p.value instanceof JValue && p.value.type === JTokenType.Null && existing)) target.set(p.name, p.value.deepClone());
  }
}

const PRIMITIVE_CONVERSIONS = ['string', 'bool', 'int', 'long', 'double', 'float', 'decimal', 'short', 'byte', 'uint', 'ulong', 'char', 'DateTime', 'Guid', 'TimeSpan', 'Uri', 'byte[]', 'DateTimeOffset'];
const NULLABLE_CONVERSIONS = ['bool?', 'int?', 'long?', 'double?', 'float?', 'decimal?', 'DateTime?', 'Guid?', 'TimeSpan?', 'short?', 'byte?'];

defineType({
  name: 'JTokenType',
  namespace: 'Newtonsoft.Json.Linq',
  enumValues: JTokenType,
  isInstance: (v) => typeof v === 'number',
});

defineType({
  name: 'Formatting',
  namespace: 'Newtonsoft.Json',
  enumValues: Formatting,
  isInstance: (v) => typeof v === 'number',
});

defineType({
  name: 'JToken',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['IEnumerable<JToken>'],
  isInstance: (v) => v instanceof JToken,
  members: (b) => {
    b.prop('Type', 'JTokenType', (t: JToken) => t.type);
    b.prop('HasValues', 'bool', (t: JToken) => (t instanceof JProperty ? true : t.children().length > 0));
    b.prop('Parent', 'JContainer', (t: JToken) => t.parent);
    b.prop('Root', 'JToken', (t: JToken) => t.root);
    b.prop('Path', 'string', (t: JToken) => t.path);
    b.prop('First', 'JToken', (t: JToken) => t.children()[0] ?? null);
    b.prop('Last', 'JToken', (t: JToken) => t.children().at(-1) ?? null);
    b.prop('Next', 'JToken', (t: JToken) => {
      const sib = t.parent?.children() ?? [];
      return sib[sib.indexOf(t) + 1] ?? null;
    });
    b.prop('Previous', 'JToken', (t: JToken) => {
      const sib = t.parent?.children() ?? [];
      const i = sib.indexOf(t);
      return i > 0 ? sib[i - 1] : null;
    });
    b.indexer('JToken(object key)', childByKey, setChildByKey);
    b.method('Children', 'IEnumerable<JToken>()', (t: JToken) => t.children());
    b.method('Value', '<T> T(object key)', {
      bind: (info: BindInfo) => {
        const conv = bindOrFail(() => valueConverter(info.typeArgs[0], defaultValueOf(info.typeArgs[0])));
        return (t: JToken, key: unknown) => conv(childByKey(t, key));
      },
    });
    b.method('Value', '<T> T()', {
      bind: (info: BindInfo) => {
        const conv = bindOrFail(() => valueConverter(info.typeArgs[0], defaultValueOf(info.typeArgs[0])));
        return (t: JToken) => conv(t);
      },
    });
    b.method('Values', '<T> IEnumerable<T>()', {
      bind: (info: BindInfo) => {
        const conv = bindOrFail(() => valueConverter(info.typeArgs[0], defaultValueOf(info.typeArgs[0])));
        return (t: JToken) => t.children().map((c) => conv(c instanceof JProperty ? c.value : c));
      },
    });
    b.method('ToObject', '<T> T()', { bind: (info: BindInfo) => bindOrFail(() => toObject(info.typeArgs[0])) });
    b.method('ToString', 'string()', (t: JToken) => t.toString());
    b.method('ToString', 'string(Formatting formatting)', (t: JToken, f: number) => (t instanceof JValue ? t.toString() : writeJson(t, f === Formatting.Indented)));
    b.method('DeepClone', 'JToken()', (t: JToken) => t.deepClone());
    b.method('Remove', 'void()', (t: JToken) => t.remove());
    b.method('Replace', 'void(JToken value)', (t: JToken, v: JToken | null) => {
      const p = t.parent;
      if (!p) throw invalidOperation('The parent is missing.');
      const replacement = v ?? JValue.null();
      if (p instanceof JProperty) p.value = replacement;
      else if (p instanceof JArray) p.setAt(p.items.indexOf(t), replacement);
      else if (p instanceof JObject && t instanceof JProperty && replacement instanceof JProperty) {
        p.removeProperty(t.name);
        p.addProperty(replacement);
      }
    });
    b.method('SelectToken', 'JToken(string path)', (t: JToken, p: string) => selectToken(t, p, false));
    b.method('SelectToken', 'JToken(string path, bool errorWhenNoMatch)', (t: JToken, p: string, e: boolean) => selectToken(t, p, e));
    b.method('SelectTokens', 'IEnumerable<JToken>(string path)', (t: JToken, p: string) => selectTokens(t, p));
    b.method('AddAfterSelf', 'void(object content)', (t: JToken, c: unknown) => {
      const p = t.parent;
      if (!(p instanceof JArray)) throw invalidOperation('The parent is missing.');
      p.insert(p.items.indexOf(t) + 1, fromClr(c));
    });
    b.staticMethod('Parse', 'JToken(string json)', (s: string | null) => {
      if (s === null) throw argumentNull('json');
      return parseJson(s);
    });
    b.staticMethod('FromObject', 'JToken(object o)', (v: unknown) => {
      if (v === null) throw argumentNull('o');
      return fromClr(v);
    });
    b.staticMethod('DeepEquals', 'bool(JToken t1, JToken t2)', deepEquals);
    for (const t of [...NULLABLE_CONVERSIONS, ...PRIMITIVE_CONVERSIONS]) {
      b.explicitTo(t, (token: unknown) => conv(t)(token));
    }
    for (const t of ['string', 'bool', 'int', 'long', 'double', 'float', 'decimal', 'short', 'byte', 'uint', 'ulong']) {
      const type = t === 'string' ? JTokenType.String : t === 'bool' ? JTokenType.Boolean : ['double', 'float', 'decimal'].includes(t) ? JTokenType.Float : JTokenType.Integer;
      b.implicitFrom(t, (v: unknown) => (v === null ? JValue.null() : new JValue(type, v)));
    }
    for (const t of ['int?', 'long?', 'bool?', 'double?']) {
      b.implicitFrom(t, (v: unknown) => fromClr(v));
    }
    for (const t of ['DateTime', 'DateTimeOffset', 'Guid', 'TimeSpan', 'Uri', 'byte[]']) b.implicitFrom(t, (v: unknown) => fromClr(v));
  },
});

const converterCache = new Map<string, (t: unknown) => unknown>();
/** Converters are built lazily (the registry must be sealed to resolve the type names). */
function conv(typeText: string): (t: unknown) => unknown {
  let c = converterCache.get(typeText);
  if (!c) {
    c = tokenConverter(typeFromText(typeText));
    converterCache.set(typeText, c);
  }
  return c;
}

function typeFromText(text: string): ClrType {
  return parseTypeString(text, resolveTypeName, new Set());
}

defineType({
  name: 'JContainer',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['JToken'],
  isInstance: (v) => v instanceof JContainer,
  members: (b) => {
    b.prop('Count', 'int', (t: JContainer) => t.children().length);
    b.method('Add', 'void(object content)', (t: JContainer, c: unknown) => {
      if (t instanceof JObject || t instanceof JArray) addContent(t, c);
      else throw invalidOperation('Cannot add or remove items from Newtonsoft.Json.Linq.JProperty.');
    });
    b.method('RemoveAll', 'void()', (t: JContainer) => {
      for (const c of t.children()) t.removeChild(c);
    });
    b.method('Descendants', 'IEnumerable<JToken>()', (t: JContainer) => {
      const out: JToken[] = [];
      const walk = (x: JToken): void => {
        for (const c of x.children()) {
          out.push(c);
          walk(c);
        }
      };
      walk(t);
      return out;
    });
    b.method('Merge', 'void(object content)', (t: JContainer, c: unknown) => {
      if (t instanceof JObject) merge(t, c);
      else if (t instanceof JArray && c instanceof JArray) for (const x of c.items) t.add(x.deepClone());
    });
  },
});

defineType({
  name: 'JObject',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['JContainer', 'IEnumerable<KeyValuePair<string, JToken>>'],
  isInstance: (v) => v instanceof JObject,
  members: (b) => {
    b.ctor('()', () => new JObject());
    b.ctor('(params object[] content)', (content: unknown[]) => {
      const o = new JObject();
      for (const c of content) addContent(o, c);
      return o;
    });
    b.staticMethod('Parse', 'JObject(string json)', (s: string | null) => parseAs(s, JObject, 'JObject'));
    b.staticMethod('FromObject', 'JObject(object o)', (v: unknown) => {
      const t = fromClr(v);
      if (!(t instanceof JObject)) throw argumentError(`Object serialized to ${JTokenTypeName(t)}. JObject instance expected.`);
      return t;
    });
    b.indexer('JToken(string propertyName)', (o: JObject, n: string) => {
      if (n === null) throw argumentNull('propertyName');
      return o.get(n);
    }, (o: JObject, n: string, v: JToken | null) => o.set(n, v ?? JValue.null()));
    b.method('Properties', 'IEnumerable<JProperty>()', (o: JObject) => [...o.props.values()]);
    b.method('Property', 'JProperty(string name)', (o: JObject, n: string) => o.props.get(n) ?? null);
    b.method('Property', 'JProperty(string name, StringComparison comparison)', findProperty);
    b.method('Add', 'void(string propertyName, JToken value)', (o: JObject, n: string, v: JToken | null) => o.addProperty(new JProperty(n, v ?? JValue.null())));
    b.method('Remove', 'bool(string propertyName)', (o: JObject, n: string) => o.removeProperty(n));
    b.method('ContainsKey', 'bool(string propertyName)', (o: JObject, n: string) => o.props.has(n));
    b.method('TryGetValue', 'bool(string propertyName, out JToken value)', (o: JObject, n: string, out: OutCell) => {
      out.value = o.get(n);
      return out.value !== null;
    });
    b.method('GetValue', 'JToken(string propertyName)', (o: JObject, n: string) => o.get(n));
    b.method('GetValue', 'JToken(string propertyName, StringComparison comparison)', (o: JObject, n: string, c: number) => findProperty(o, n, c)?.value ?? null);
    b.method('PropertyValues', 'IEnumerable<JToken>()', (o: JObject) => [...o.props.values()].map((p) => p.value));
  },
});

defineType({
  name: 'JArray',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['JContainer'],
  isInstance: (v) => v instanceof JArray,
  members: (b) => {
    b.ctor('()', () => new JArray());
    b.ctor('(params object[] content)', (content: unknown[]) => {
      const a = new JArray();
      for (const c of content) addContent(a, c);
      return a;
    });
    b.staticMethod('Parse', 'JArray(string json)', (s: string | null) => parseAs(s, JArray, 'JArray'));
    b.staticMethod('FromObject', 'JArray(object o)', (v: unknown) => {
      const t = fromClr(v);
      if (!(t instanceof JArray)) throw argumentError(`Object serialized to ${JTokenTypeName(t)}. JArray instance expected.`);
      return t;
    });
    b.indexer('JToken(int index)', (a: JArray, i: number) => a.at(i), (a: JArray, i: number, v: JToken | null) => a.setAt(i, v ?? JValue.null()));
    b.indexer('JToken(object key)', childByKey, setChildByKey);
    b.method('Add', 'void(JToken item)', (a: JArray, v: JToken | null) => a.add(v ?? JValue.null()));
    b.method('Insert', 'void(int index, JToken item)', (a: JArray, i: number, v: JToken | null) => a.insert(i, v ?? JValue.null()));
    b.method('Remove', 'bool(JToken item)', (a: JArray, v: JToken) => {
      const i = a.items.indexOf(v);
      if (i < 0) return false;
      a.removeChild(v);
      return true;
    });
    b.method('RemoveAt', 'void(int index)', (a: JArray, i: number) => a.removeChild(a.at(i)));
    b.method('Clear', 'void()', (a: JArray) => {
      for (const t of [...a.items]) a.removeChild(t);
    });
    b.method('IndexOf', 'int(JToken item)', (a: JArray, v: JToken) => a.items.indexOf(v));
    b.method('Contains', 'bool(JToken item)', (a: JArray, v: JToken) => a.items.includes(v));
  },
});

defineType({
  name: 'JProperty',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['JContainer'],
  isInstance: (v) => v instanceof JProperty,
  members: (b) => {
    b.ctor('(string name, object content)', (n: string | null, c: unknown) => {
      if (n === null) throw argumentNull('name');
      return new JProperty(n, propertyValue(c));
    });
    b.prop('Name', 'string', (p: JProperty) => p.name);
    b.prop('Value', 'JToken', (p: JProperty) => p.value, (p: JProperty, v: JToken | null) => {
      p.value = v ?? JValue.null();
    });
  },
});

defineType({
  name: 'JValue',
  namespace: 'Newtonsoft.Json.Linq',
  bases: ['JToken'],
  isInstance: (v) => v instanceof JValue,
  members: (b) => {
    b.ctor('(object value)', (v: unknown) => {
      const t = fromClr(v);
      if (!(t instanceof JValue)) throw argumentError('Could not determine JSON object type for the value.');
      return t;
    });
    b.ctor('(string value)', (v: string | null) => (v === null ? JValue.null() : new JValue(JTokenType.String, v)));
    b.ctor('(long value)', (v: bigint) => new JValue(JTokenType.Integer, Number(v)));
    b.ctor('(double value)', (v: number) => new JValue(JTokenType.Float, v));
    b.ctor('(bool value)', (v: boolean) => new JValue(JTokenType.Boolean, v));
    b.prop('Value', 'object', (v: JValue) => (v.value instanceof JToken ? null : v.value), (v: JValue, x: unknown) => {
      const t = fromClr(x);
      if (!(t instanceof JValue)) throw argumentError('Could not determine JSON object type for the value.');
      (v as { value: unknown }).value = t.value;
    });
    b.staticMethod('CreateNull', 'JValue()', () => JValue.null());
    b.staticMethod('CreateString', 'JValue(string value)', (s: string | null) => new JValue(JTokenType.String, s));
    b.staticMethod('CreateUndefined', 'JValue()', () => new JValue(JTokenType.Undefined, null));
  },
});

function serialize(v: unknown, indented: boolean): string {
  return writeJson(fromClr(v), indented);
}

defineType({
  name: 'JsonConvert',
  namespace: 'Newtonsoft.Json',
  static: true,
  members: (b) => {
    b.staticMethod('SerializeObject', 'string(object value)', (v: unknown) => serialize(v, false));
    b.staticMethod('SerializeObject', 'string(object value, Formatting formatting)', (v: unknown, f: number) => serialize(v, f === Formatting.Indented));
    b.staticMethod('DeserializeObject', 'object(string value)', (s: string | null) => {
      if (s === null) throw argumentNull('value');
      const t = parseJson(s);
      return t instanceof JValue ? t.value : t;
    });
    b.staticMethod('DeserializeObject', '<T> T(string value)', {
      bind: (info: BindInfo) => {
        const convert = bindOrFail(() => toObject(info.typeArgs[0]));
        return (s: string | null) => {
          if (s === null) throw argumentNull('value');
          return convert(parseJson(s));
        };
      },
    });
    b.staticMethod('ToString', 'string(string value)', (s: string | null) => writeJson(s === null ? JValue.null() : new JValue(JTokenType.String, s), false));
  },
});

registerBodyConverter('JObject', (bytes) => {
  const text = decodeUtf8(bytes);
  return parseAs(text, JObject, 'JObject');
});
registerBodyConverter('JArray', (bytes) => parseAs(decodeUtf8(bytes), JArray, 'JArray'));
registerBodyConverter('JToken', (bytes) => parseJson(decodeUtf8(bytes)));
