import { HOP_BY_HOP_HEADERS } from '../../model/hop-by-hop.js';
import { newHeaderBag } from './header-bag.js';

/**
 * Headers the gateway itself reads or sets. A client that names one in `Connection`
 * asks the gateway to drop it before forwarding, which would let it hide, say, the
 * subscription key or the forwarding chain from the backend: refused with 400.
 * The API's own key and version headers are checked by the route phase.
 */
const RELIED_ON_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'authorization',
  'forwarded',
  'ocp-apim-subscription-key',
]);

export function isReliedOnHeader(lowerName: string): boolean {
  return RELIED_ON_HEADERS.has(lowerName) || lowerName.startsWith('x-forwarded-');
}

/** Splits a `Connection` header value into lower-case tokens. */
export function connectionTokens(value: string, into: string[]): void {
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '') into.push(name);
  }
}

/** Response headers as undici hands them over (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * The response headers without hop-by-hop headers and whatever the upstream's `Connection`
 * nominates. Returns `headers` itself when nothing is to be dropped, else a copy without
 * them: deleting properties would turn the object into a slow dictionary-mode object for
 * everything that reads it afterwards (policies, node's writeHead), and costs twice the
 * copy. `Connection: keep-alive` / `close`, what nearly every backend sends, nominates no
 * header, so it skips the token split.
 */
export function withoutResponseHopByHop(headers: ResponseHeaders): ResponseHeaders {
  const connection = headers.connection;
  let nominated: string[] | null = null;
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') {
    nominated = [];
    if (Array.isArray(connection)) for (const value of connection) connectionTokens(value, nominated);
    else connectionTokens(connection, nominated);
  }
  let dropped = false;
  for (const name in headers) {
    if (HOP_BY_HOP_HEADERS.has(name) || (nominated !== null && nominated.includes(name))) {
      dropped = true;
      break;
    }
  }
  if (!dropped) return headers;
  const kept: ResponseHeaders = newHeaderBag();
  for (const name in headers) {
    if (!HOP_BY_HOP_HEADERS.has(name) && (nominated === null || !nominated.includes(name))) kept[name] = headers[name];
  }
  return kept;
}
