/**
 * The C# surface of `context` (IProxyRequestContext and friends) over the plain data of
 * context.ts: dictionary behaviour for headers, query, variables and template parameters,
 * DateTime/Guid/TimeSpan views of dates and ids, and `Body.As<T>()`.
 */
import type {
  ClientCertificate,
  ExpressionContext,
  MessageBody,
  RequestInfo,
  ResponseInfo,
  StringValuesMap,
  UrlInfo,
} from '../context.js';
import type { BindInfo, ClrType } from '../types/model.js';
import { MemberBindError, typeName } from '../types/model.js';
import { defineType } from '../types/registry.js';
import { runtimeCast } from '../types/conversions.js';
import { keyNotFound, nullReference } from './exceptions.js';
import { ClrDictionary, KeyValuePair } from './collections.js';
import { CLR_TYPE } from './object.js';
import { ClrTimeSpan, fromJsDate } from './datetime.js';
import { TICKS_PER_MS } from './calendar.js';
import { ClrGuid } from './guid.js';

interface OutCell {
  value: unknown;
}

/** IReadOnlyDictionary<string, string[]> over a StringValuesMap (headers, query). */
export class StringValuesCollection implements Iterable<KeyValuePair> {
  readonly [CLR_TYPE] = 'System.Collections.Generic.IReadOnlyDictionary';
  constructor(readonly map: StringValuesMap) {}
  get(name: string): readonly string[] | undefined {
    if (name === null || name === undefined) throw nullReference();
    return this.map.get(name);
  }
  joined(name: string): string | null {
    const v = this.get(name);
    return v === undefined ? null : v.join(',');
  }
  get count(): number {
    return [...this.map.names()].length;
  }
  *[Symbol.iterator](): Iterator<KeyValuePair> {
    for (const n of this.map.names()) yield new KeyValuePair(n, [...(this.map.get(n) ?? [])]);
  }
}

/** IReadOnlyDictionary<string, object> over the policy variables. */
export class VariablesCollection implements Iterable<KeyValuePair> {
  readonly [CLR_TYPE] = 'System.Collections.Generic.IReadOnlyDictionary';
  constructor(readonly map: ReadonlyMap<string, unknown>) {}
  get count(): number {
    return this.map.size;
  }
  *[Symbol.iterator](): Iterator<KeyValuePair> {
    for (const [k, v] of this.map) yield new KeyValuePair(k, v);
  }
}

/** IReadOnlyDictionary<string, string> over matched template parameters. */
export class ParametersCollection implements Iterable<KeyValuePair> {
  readonly [CLR_TYPE] = 'System.Collections.Generic.IReadOnlyDictionary';
  constructor(readonly map: ReadonlyMap<string, string>) {}
  lookup(name: string): string | undefined {
    if (name === null || name === undefined) throw nullReference();
    const direct = this.map.get(name);
    if (direct !== undefined) return direct;
    const lower = name.toLowerCase();
    for (const [k, v] of this.map) if (k.toLowerCase() === lower) return v;
    return undefined;
  }
  get count(): number {
    return this.map.size;
  }
  *[Symbol.iterator](): Iterator<KeyValuePair> {
    for (const [k, v] of this.map) yield new KeyValuePair(k, v);
  }
}

/**
 * One CLR-facing wrapper per underlying collection, so `context.Variables` is the same
 * object every time an expression reads it. The wrapper lives on the collection itself
 * (a non-enumerable symbol property) rather than in a module-wide WeakMap: the keys are
 * per-request objects, and WeakMap entries kept every request's object graph alive
 * through minor GCs (the profile of a ten-policy document showed GC as its largest cost).
 * Frozen collections cannot carry it and fall back to the WeakMap.
 */
const WRAPPER = Symbol('clrWrapper');
const frozenWrappers = new WeakMap<object, object>();
function cached<T extends object>(key: object | null | undefined, make: () => T): T | null {
  if (key === null || key === undefined) return null;
  const holder = key as { [WRAPPER]?: T };
  let w = holder[WRAPPER];
  if (w !== undefined) return w;
  if (!Object.isExtensible(key)) {
    w = frozenWrappers.get(key) as T | undefined;
    if (w === undefined) {
      w = make();
      frozenWrappers.set(key, w);
    }
    return w;
  }
  w = make();
  Object.defineProperty(key, WRAPPER, { value: w });
  return w;
}

const asValues = (m: StringValuesMap | null | undefined): StringValuesCollection | null => cached(m, () => new StringValuesCollection(m!));

function dateOrNull(d: Date | null | undefined): unknown {
  return d ? fromJsDate(d) : null;
}

export function urlToString(u: UrlInfo): string {
  const defaultPort = (u.Scheme === 'https' && u.Port === 443) || (u.Scheme === 'http' && u.Port === 80);
  return `${u.Scheme}://${u.Host}${defaultPort || !u.Port ? '' : `:${u.Port}`}${u.Path}${u.QueryString}`;
}

// ---------------------------------------------------------------- body conversions

type BodyConverter = (bytes: Uint8Array) => unknown;
const bodyConverters = new Map<string, BodyConverter>();

/** Runtime modules (JSON, XML) register how a buffered body becomes their type. */
export function registerBodyConverter(clrTypeName: string, convert: BodyConverter): void {
  bodyConverters.set(clrTypeName, convert);
}

const utf8 = new TextDecoder('utf-8');

export function decodeUtf8(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function bodyConverterFor(t: ClrType): BodyConverter {
  if (t.kind === 'named' && t.def.name === 'String' && t.def.namespace === 'System') return decodeUtf8;
  if (t.kind === 'array' && t.element.kind === 'primitive' && t.element.name === 'byte') return (b) => Uint8Array.from(b);
  if (t.kind === 'named') {
    const conv = bodyConverters.get(t.def.name);
    if (conv) return conv;
  }
  throw new MemberBindError(`Body.As<${typeName(t)}>() is not supported; use string, byte[], JObject, JArray, JToken, XDocument or XElement.`);
}

function readBody(body: MessageBody, preserve: boolean): Uint8Array | null {
  return body.read(preserve);
}

function parseForm(text: string): ClrDictionary {
  const d = new ClrDictionary();
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = decode(rawKey);
    const existing = d.tryGet(key);
    if (existing.found) (existing.value as string[]).push(decode(rawValue));
    else d.add(key, [decode(rawValue)]);
  }
  return d;
}

// ---------------------------------------------------------------- type definitions

defineType({
  name: 'IHeaderDictionary',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  bases: ['IEnumerable<KeyValuePair<string, string[]>>'],
  isInstance: (v) => v instanceof StringValuesCollection,
  members: (b) => {
    b.indexer('string[](string name)', (h: StringValuesCollection, n: string) => {
      const v = h.get(n);
      if (v === undefined) throw keyNotFound(n);
      return [...v];
    });
    b.method('GetValueOrDefault', 'string(string name)', (h: StringValuesCollection, n: string) => h.joined(n));
    b.method('GetValueOrDefault', 'string(string name, string defaultValue)', (h: StringValuesCollection, n: string, d: string | null) => h.joined(n) ?? d);
    b.method('ContainsKey', 'bool(string name)', (h: StringValuesCollection, n: string) => h.get(n) !== undefined);
    b.method('TryGetValue', 'bool(string name, out string[] value)', (h: StringValuesCollection, n: string, out: OutCell) => {
      const v = h.get(n);
      out.value = v === undefined ? null : [...v];
      return v !== undefined;
    });
    b.method('TryGetValue', 'bool(string name, out string value)', (h: StringValuesCollection, n: string, out: OutCell) => {
      out.value = h.joined(n);
      return out.value !== null;
    });
    b.prop('Count', 'int', (h: StringValuesCollection) => h.count);
    b.prop('Keys', 'IEnumerable<string>', (h: StringValuesCollection) => [...h.map.names()]);
  },
});

defineType({
  name: 'IVariables',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  bases: ['IEnumerable<KeyValuePair<string, object>>'],
  isInstance: (v) => v instanceof VariablesCollection,
  members: (b) => {
    b.indexer('object(string name)', (vs: VariablesCollection, n: string) => {
      if (n === null) throw nullReference();
      if (!vs.map.has(n)) throw keyNotFound(n);
      return vs.map.get(n) ?? null;
    });
    b.method('ContainsKey', 'bool(string name)', (vs: VariablesCollection, n: string) => vs.map.has(n));
    b.method('TryGetValue', 'bool(string name, out object value)', (vs: VariablesCollection, n: string, out: OutCell) => {
      out.value = vs.map.get(n) ?? null;
      return vs.map.has(n);
    });
    b.method('GetValueOrDefault', 'object(string name)', (vs: VariablesCollection, n: string) => vs.map.get(n) ?? null);
    b.method('GetValueOrDefault', 'object(string name, object defaultValue)', (vs: VariablesCollection, n: string, d: unknown) => (vs.map.has(n) ? (vs.map.get(n) ?? null) : d));
    b.method('GetValueOrDefault', '<T> T(string name)', {
      bind: (info: BindInfo) => {
        const cast = runtimeCast(info.typeArgs[0]);
        const dflt = defaultFor(info.typeArgs[0]);
        return (vs: VariablesCollection, n: string) => (vs.map.has(n) ? cast(vs.map.get(n) ?? null) : dflt);
      },
    });
    b.method('GetValueOrDefault', '<T> T(string name, T defaultValue)', {
      bind: (info: BindInfo) => {
        const cast = runtimeCast(info.typeArgs[0]);
        return (vs: VariablesCollection, n: string, d: unknown) => (vs.map.has(n) ? cast(vs.map.get(n) ?? null) : d);
      },
    });
    b.prop('Count', 'int', (vs: VariablesCollection) => vs.count);
    b.prop('Keys', 'IEnumerable<string>', (vs: VariablesCollection) => [...vs.map.keys()]);
  },
});

function defaultFor(t: ClrType): unknown {
  if (t.kind === 'primitive') {
    if (t.name === 'bool') return false;
    if (t.name === 'char') return '\0';
    if (t.name === 'long' || t.name === 'ulong') return 0n;
    return 0;
  }
  if (t.kind === 'named' && t.def.defaultValue) return t.def.defaultValue();
  return null;
}

defineType({
  name: 'IParameters',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  bases: ['IEnumerable<KeyValuePair<string, string>>'],
  isInstance: (v) => v instanceof ParametersCollection,
  members: (b) => {
    b.indexer('string(string name)', (p: ParametersCollection, n: string) => {
      const v = p.lookup(n);
      if (v === undefined) throw keyNotFound(n);
      return v;
    });
    b.method('ContainsKey', 'bool(string name)', (p: ParametersCollection, n: string) => p.lookup(n) !== undefined);
    b.method('TryGetValue', 'bool(string name, out string value)', (p: ParametersCollection, n: string, out: OutCell) => {
      out.value = p.lookup(n) ?? null;
      return out.value !== null;
    });
    b.method('GetValueOrDefault', 'string(string name)', (p: ParametersCollection, n: string) => p.lookup(n) ?? null);
    b.method('GetValueOrDefault', 'string(string name, string defaultValue)', (p: ParametersCollection, n: string, d: string | null) => p.lookup(n) ?? d);
    b.prop('Count', 'int', (p: ParametersCollection) => p.count);
    b.prop('Keys', 'IEnumerable<string>', (p: ParametersCollection) => [...p.map.keys()]);
  },
});

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

defineType({
  name: 'IUrl',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: (v) => isObject(v) && typeof v.Host === 'string' && typeof v.Scheme === 'string',
  members: (b) => {
    b.prop('Scheme', 'string', (u: UrlInfo) => u.Scheme);
    b.prop('Host', 'string', (u: UrlInfo) => u.Host);
    b.prop('Port', 'int', (u: UrlInfo) => u.Port);
    b.prop('Path', 'string', (u: UrlInfo) => u.Path);
    b.prop('Query', 'IHeaderDictionary', (u: UrlInfo) => asValues(u.Query));
    b.prop('QueryString', 'string', (u: UrlInfo) => u.QueryString);
    b.method('ToString', 'string()', urlToString);
  },
});

defineType({
  name: 'IMessageBody',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: (v) => isObject(v) && typeof v.read === 'function',
  members: (b) => {
    b.method('As', '<T> T(bool preserveContent = false)', {
      bind: (info: BindInfo) => {
        const convert = bodyConverterFor(info.typeArgs[0]);
        return (body: MessageBody, preserve: boolean) => {
          const bytes = readBody(body, preserve);
          return bytes === null ? null : convert(bytes);
        };
      },
    });
    b.method('AsFormUrlEncodedContent', 'IDictionary<string, IList<string>>(bool preserveContent = false)', (body: MessageBody, preserve: boolean) => {
      const bytes = readBody(body, preserve);
      return parseForm(bytes === null ? '' : decodeUtf8(bytes));
    });
  },
});

/** X500DistinguishedName: the `SubjectName`/`IssuerName` of a certificate. */
class DistinguishedName {
  readonly [CLR_TYPE] = 'System.Security.Cryptography.X509Certificates.X500DistinguishedName';
  constructor(readonly name: string) {}
}

defineType({
  name: 'X500DistinguishedName',
  namespace: 'System.Security.Cryptography.X509Certificates',
  isInstance: (v) => v instanceof DistinguishedName,
  members: (b) => {
    b.prop('Name', 'string', (n: DistinguishedName) => n.name);
    b.method('ToString', 'string()', (n: DistinguishedName) => n.name);
  },
});

defineType({
  name: 'X509Certificate2',
  namespace: 'System.Security.Cryptography.X509Certificates',
  isInstance: (v) => isObject(v) && typeof v.Thumbprint === 'string',
  members: (b) => {
    b.prop('SubjectName', 'X500DistinguishedName', (c: ClientCertificate) => new DistinguishedName(c.Subject));
    b.prop('IssuerName', 'X500DistinguishedName', (c: ClientCertificate) => new DistinguishedName(c.Issuer));
    b.method('Verify', 'bool()', (c: ClientCertificate) => c.verify?.() ?? false);
    b.prop('Thumbprint', 'string', (c: ClientCertificate) => c.Thumbprint);
    b.prop('Subject', 'string', (c: ClientCertificate) => c.Subject);
    b.prop('Issuer', 'string', (c: ClientCertificate) => c.Issuer);
    b.prop('SerialNumber', 'string', (c: ClientCertificate) => c.SerialNumber);
    b.prop('NotBefore', 'DateTime', (c: ClientCertificate) => fromJsDate(c.NotBefore));
    b.prop('NotAfter', 'DateTime', (c: ClientCertificate) => fromJsDate(c.NotAfter));
    b.prop('RawData', 'byte[]', (c: ClientCertificate) => (c.RawData ? Uint8Array.from(c.RawData) : new Uint8Array(0)));
  },
});

const isRequest = (v: unknown): boolean => isObject(v) && typeof v.Method === 'string' && isObject(v.Url);
const isResponse = (v: unknown): boolean => isObject(v) && typeof v.StatusCode === 'number' && isObject(v.Headers);

defineType({
  name: 'IRequest',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: isRequest,
  members: (b) => {
    b.prop('Method', 'string', (r: RequestInfo) => r.Method);
    b.prop('Url', 'IUrl', (r: RequestInfo) => r.Url);
    b.prop('OriginalUrl', 'IUrl', (r: RequestInfo) => r.OriginalUrl);
    b.prop('Headers', 'IHeaderDictionary', (r: RequestInfo) => asValues(r.Headers));
    b.prop('IpAddress', 'string', (r: RequestInfo) => r.IpAddress);
    b.prop('MatchedParameters', 'IParameters', (r: RequestInfo) => cached(r.MatchedParameters, () => new ParametersCollection(r.MatchedParameters)));
    b.prop('Body', 'IMessageBody', (r: RequestInfo) => r.Body ?? null);
    b.prop('Certificate', 'X509Certificate2', (r: RequestInfo) => r.Certificate ?? null);
  },
});

defineType({
  name: 'IResponse',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: isResponse,
  members: (b) => {
    b.prop('StatusCode', 'int', (r: ResponseInfo) => r.StatusCode);
    b.prop('StatusReason', 'string', (r: ResponseInfo) => r.StatusReason);
    b.prop('Headers', 'IHeaderDictionary', (r: ResponseInfo) => asValues(r.Headers));
    b.prop('Body', 'IMessageBody', (r: ResponseInfo) => r.Body ?? null);
  },
});

function plainType(name: string, props: readonly [string, string][], extra?: (v: Record<string, unknown>) => boolean): void {
  defineType({
    name,
    namespace: 'Microsoft.Azure.ApiManagement.Proxy',
    isInstance: (v) => isObject(v) && (extra ? extra(v) : true),
    members: (b) => {
      for (const [prop, type] of props) {
        if (type === 'DateTime?') b.prop(prop, type, (o: Record<string, unknown>) => dateOrNull(o[prop] as Date | null));
        else b.prop(prop, type, (o: Record<string, unknown>) => o[prop] ?? null);
      }
    },
  });
}

plainType('IGroup', [
  ['Id', 'string'],
  ['Name', 'string'],
]);
plainType('IApi', [
  ['Id', 'string'],
  ['Name', 'string'],
  ['Path', 'string'],
  ['Revision', 'string'],
  ['IsCurrentRevision', 'bool'],
  ['ServiceUrl', 'IUrl'],
  ['Version', 'string'],
]);
plainType('IOperation', [
  ['Id', 'string'],
  ['Method', 'string'],
  ['Name', 'string'],
  ['UrlTemplate', 'string'],
]);
plainType('IProduct', [
  ['Id', 'string'],
  ['Name', 'string'],
  ['State', 'string'],
  ['ApprovalRequired', 'bool'],
  ['SubscriptionRequired', 'bool'],
  ['SubscriptionLimit', 'int?'],
  ['Groups', 'IEnumerable<IGroup>'],
]);
plainType('ISubscription', [
  ['Id', 'string'],
  ['Key', 'string'],
  ['Name', 'string'],
  ['PrimaryKey', 'string'],
  ['SecondaryKey', 'string'],
  ['CreatedDate', 'DateTime?'],
  ['StartDate', 'DateTime?'],
  ['EndDate', 'DateTime?'],
]);
plainType('IUser', [
  ['Id', 'string'],
  ['Email', 'string'],
  ['FirstName', 'string'],
  ['LastName', 'string'],
  ['Note', 'string'],
  ['RegistrationDate', 'DateTime?'],
  ['Groups', 'IEnumerable<IGroup>'],
]);
plainType('IDeployment', [
  ['Region', 'string'],
  ['GatewayId', 'string'],
  ['ServiceName', 'string'],
  ['ServiceId', 'string'],
]);
plainType('ILastError', [
  ['Source', 'string'],
  ['Reason', 'string'],
  ['Message', 'string'],
  ['Scope', 'string'],
  ['Section', 'string'],
  ['Path', 'string'],
  ['PolicyId', 'string'],
]);

defineType({
  name: 'IProxyRequestContext',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: (v) => isObject(v) && isObject(v.Request),
  members: (b) => {
    b.prop('Api', 'IApi', (c: ExpressionContext) => c.Api);
    b.prop('Operation', 'IOperation', (c: ExpressionContext) => c.Operation);
    b.prop('Product', 'IProduct', (c: ExpressionContext) => c.Product);
    b.prop('Subscription', 'ISubscription', (c: ExpressionContext) => c.Subscription);
    b.prop('User', 'IUser', (c: ExpressionContext) => c.User);
    b.prop('Deployment', 'IDeployment', (c: ExpressionContext) => c.Deployment);
    b.prop('Request', 'IRequest', (c: ExpressionContext) => c.Request);
    b.prop('Response', 'IResponse', (c: ExpressionContext) => c.Response);
    b.prop('Variables', 'IVariables', (c: ExpressionContext) => cached(c.Variables, () => new VariablesCollection(c.Variables)));
    b.prop('LastError', 'ILastError', (c: ExpressionContext) => c.LastError);
    b.prop('RequestId', 'Guid', (c: ExpressionContext) => ClrGuid.fromCanonical(c.RequestId));
    b.prop('Timestamp', 'DateTime', (c: ExpressionContext) => fromJsDate(c.Timestamp));
    b.prop('Elapsed', 'TimeSpan', (c: ExpressionContext) => new ClrTimeSpan(BigInt(Math.max(0, Date.now() - c.Timestamp.getTime())) * TICKS_PER_MS));
    b.prop('Tracing', 'bool', (c: ExpressionContext) => c.Tracing);
    b.method('Trace', 'void(string message)', (c: ExpressionContext, m: string | null) => {
      if (c.Tracing && c.trace) c.trace(m ?? '');
    });
  },
});
