/**
 * APIM's string helpers `AsJwt()` / `TryParseJwt()` (decode a JWT without validating it,
 * like APIM) and `AsBasic()` / `TryParseBasic()` (an HTTP Basic credential pair).
 */
import type { StringValuesMap } from '../context.js';
import { defineType } from '../types/registry.js';
import { CLR_TYPE } from './object.js';
import { StringValuesCollection } from './context-types.js';
import { ClrDateTime, Kind } from './datetime.js';
import { TICKS_PER_SECOND, UNIX_EPOCH_TICKS } from './calendar.js';

interface OutCell {
  value: unknown;
}

type JsonObject = Record<string, unknown>;

function claimValues(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'object' && x !== null ? [JSON.stringify(x)] : claimValues(x)));
  if (typeof v === 'string') return [v];
  return [JSON.stringify(v)];
}

function mapOf(obj: JsonObject): StringValuesMap {
  return {
    get: (name) => (Object.prototype.hasOwnProperty.call(obj, name) ? claimValues(obj[name]) : undefined),
    names: () => Object.keys(obj),
  };
}

export class Jwt {
  readonly [CLR_TYPE] = 'Microsoft.Azure.ApiManagement.Proxy.Jwt';
  constructor(
    readonly header: JsonObject,
    readonly payload: JsonObject,
  ) {}
  text(name: string, from: JsonObject = this.payload): string | null {
    const v = from[name];
    return v === undefined || v === null ? null : claimValues(v).join(',');
  }
  time(name: string): ClrDateTime | null {
    const v = this.payload[name];
    if (typeof v !== 'number') return null;
    return new ClrDateTime(UNIX_EPOCH_TICKS + BigInt(Math.trunc(v)) * TICKS_PER_SECOND, Kind.Utc);
  }
  toString(): string {
    return 'Microsoft.Azure.ApiManagement.Proxy.Jwt';
  }
}

function decodeSegment(s: string): JsonObject | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : null;
  } catch {
    return null;
  }
}

/** Parse a compact JWS (an optional `Bearer ` prefix is ignored); null when it is not one. */
export function parseJwt(text: string | null): Jwt | null {
  if (text === null) return null;
  const token = text.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) return null;
  const header = decodeSegment(parts[0]);
  const payload = parts.length === 3 ? decodeSegment(parts[1]) : null;
  if (!header || !payload) return null;
  return new Jwt(header, payload);
}

export class BasicAuthCredentials {
  readonly [CLR_TYPE] = 'Microsoft.Azure.ApiManagement.Proxy.BasicAuthCredentials';
  constructor(
    readonly userId: string,
    readonly password: string,
  ) {}
}

export function parseBasic(text: string | null): BasicAuthCredentials | null {
  if (text === null) return null;
  const m = /^\s*(?:Basic\s+)?([A-Za-z0-9+/]+={0,2})\s*$/i.exec(text);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return new BasicAuthCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
}

defineType({
  name: 'Jwt',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: (v) => v instanceof Jwt,
  members: (b) => {
    b.prop('Algorithm', 'string', (j: Jwt) => j.text('alg', j.header));
    b.prop('Type', 'string', (j: Jwt) => j.text('typ', j.header));
    b.prop('Header', 'IHeaderDictionary', (j: Jwt) => new StringValuesCollection(mapOf(j.header)));
    b.prop('Claims', 'IHeaderDictionary', (j: Jwt) => new StringValuesCollection(mapOf(j.payload)));
    b.prop('Id', 'string', (j: Jwt) => j.text('jti'));
    b.prop('Issuer', 'string', (j: Jwt) => j.text('iss'));
    b.prop('Subject', 'string', (j: Jwt) => j.text('sub'));
    b.prop('Audiences', 'IEnumerable<string>', (j: Jwt) => claimValues(j.payload.aud));
    b.prop('ExpirationTime', 'DateTime?', (j: Jwt) => j.time('exp'));
    b.prop('NotBefore', 'DateTime?', (j: Jwt) => j.time('nbf'));
    b.prop('IssuedAt', 'DateTime?', (j: Jwt) => j.time('iat'));
  },
});

defineType({
  name: 'BasicAuthCredentials',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  isInstance: (v) => v instanceof BasicAuthCredentials,
  members: (b) => {
    b.prop('UserId', 'string', (c: BasicAuthCredentials) => c.userId);
    b.prop('Password', 'string', (c: BasicAuthCredentials) => c.password);
  },
});

defineType({
  name: 'StringExtensions',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  static: true,
  members: (b) => {
    b.extension('AsJwt', 'Jwt(this string input)', parseJwt);
    b.extension('TryParseJwt', 'bool(this string input, out Jwt result)', (s: string | null, out: OutCell) => {
      out.value = parseJwt(s);
      return out.value !== null;
    });
    b.extension('AsBasic', 'BasicAuthCredentials(this string input)', parseBasic);
    b.extension('TryParseBasic', 'bool(this string input, out BasicAuthCredentials result)', (s: string | null, out: OutCell) => {
      out.value = parseBasic(s);
      return out.value !== null;
    });
  },
});
