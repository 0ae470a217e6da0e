import { HOP_BY_HOP_HEADERS } from '../../model/hop-by-hop.js';

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

/**
 * Removes hop-by-hop headers and whatever the upstream's `Connection` nominates from a
 * response header object (lower-case keys, as undici produces them), in place.
 */
export function stripResponseHopByHop(headers: Record<string, string | string[] | undefined>): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    const nominated: string[] = [];
    if (Array.isArray(connection)) for (const value of connection) connectionTokens(value, nominated);
    else connectionTokens(connection, nominated);
    for (const name of nominated) delete headers[name];
  }
  // A response has a handful of headers: walking them beats probing for each hop-by-hop name.
  for (const name in headers) {
    if (HOP_BY_HOP_HEADERS.has(name)) delete headers[name];
  }
}
