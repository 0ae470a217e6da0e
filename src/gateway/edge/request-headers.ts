import { preallocatedError } from '../errors.js';

const refuse = (message: string) => preallocatedError(400, 'BadRequest', message);
const DUPLICATE_HOST = refuse('The request has more than one Host header.');
export const DUPLICATE_CONTENT_LENGTH = refuse('The request has more than one Content-Length header.');
const DUPLICATE_AUTHORIZATION = refuse('The request has more than one Authorization header.');
export const LENGTH_AND_CHUNKED = refuse('The request has both Content-Length and Transfer-Encoding.');
export const UNSUPPORTED_TRANSFER_ENCODING = refuse("The request's Transfer-Encoding must be exactly 'chunked'.");
const MISSING_HOST = refuse('The request has no Host header.');
export const NOMINATED_RELIED_ON_HEADER = refuse('The Connection header must not nominate a header the gateway relies on.');
import { HOP_BY_HOP_HEADERS } from '../../model/hop-by-hop.js';
import { newHeaderBag } from './header-bag.js';
import { connectionTokens, isReliedOnHeader } from './hop-by-hop.js';

/** Header object sent upstream: lower-case names; repeated headers stay repeated (arrays). */
export type ForwardHeaders = Record<string, string | string[]>;

/** What the edge learns from the request headers; the request context implements it. */
export interface InspectedRequestHeaders {
  forwardHeaders: ForwardHeaders;
  /** The client's Host header ('' when absent: HTTP/1.0). */
  host: string;
  /** Declared body length; -1 when there is no Content-Length. */
  contentLength: number;
  /** Transfer-Encoding was present (and is exactly `chunked`: anything else is refused). */
  chunked: boolean;
  /** Lower-case names the client's `Connection` header nominated, or null. */
  connectionTokens: string[] | null;
  /** Incoming X-Forwarded-For values, joined; the gateway appends the client address. */
  forwardedFor: string | null;
}

/**
 * Headers the gateway sets itself, or that undici must not be given
 * (`expect`: node already answered the 100-continue; `host`: the backend's is used).
 */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['host', 'expect', 'x-forwarded-proto', 'x-forwarded-host']);

/**
 * One pass over `rawHeaders` (node's `req.headers` silently keeps the first of a
 * duplicated Host or Authorization, which is exactly what smuggling relies on). Rejects
 * (400) a missing Host when `hostRequired` (HTTP/1.1, RFC 9112 §3.2), duplicate Host /
 * Content-Length / Authorization, a Transfer-Encoding other than one `chunked`,
 * Content-Length together with Transfer-Encoding, and a `Connection` header nominating a
 * header the gateway relies on. Builds the upstream header object without hop-by-hop
 * headers or nominated ones.
 *
 * node's strict parser (pinned in server-options.ts) already refuses duplicate
 * Content-Length, CL+TE and a TE not ending in `chunked` before a request gets here
 * (onClientError answers those). These checks stay as the second line of defence: they
 * cost a counter each, and they keep holding if the parser is ever loosened (a lenient
 * llhttp flag, a changed node default) rather than failing open.
 */
export function inspectRequestHeaders(rawHeaders: string[], into: InspectedRequestHeaders, hostRequired = false): void {
  const forward: ForwardHeaders = newHeaderBag();
  let hosts = 0;
  let contentLengths = 0;
  let transferEncodings = 0;
  let authorizations = 0;
  let tokens: string[] | null = null;
  let forwardedFor: string | null = null;

  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    switch (name) {
      case 'host':
        hosts++;
        into.host = value;
        continue;
      case 'content-length':
        contentLengths++;
        into.contentLength = Number(value);
        break;
      case 'transfer-encoding':
        // Only plain `chunked`: node would decode the chunking and hand the gateway a body
        // still gzip- (or otherwise) encoded, with the coding silently dropped on the way.
        if (!isChunked(value)) throw UNSUPPORTED_TRANSFER_ENCODING;
        transferEncodings++;
        into.chunked = true;
        continue;
      case 'authorization':
        authorizations++;
        break;
      case 'connection':
        connectionTokens(value, (tokens ??= []));
        continue;
      case 'x-forwarded-for':
        forwardedFor = forwardedFor === null ? value : `${forwardedFor}, ${value}`;
        continue;
    }
    if (HOP_BY_HOP_HEADERS.has(name) || NOT_FORWARDED.has(name)) continue;
    const existing = forward[name];
    if (existing === undefined) forward[name] = value;
    else if (typeof existing === 'string') forward[name] = [existing, value];
    else existing.push(value);
  }

  if (hosts > 1) throw DUPLICATE_HOST;
  if (hosts === 0 && hostRequired) throw MISSING_HOST;
  if (transferEncodings > 1) throw UNSUPPORTED_TRANSFER_ENCODING;
  if (contentLengths > 1) throw DUPLICATE_CONTENT_LENGTH;
  if (authorizations > 1) throw DUPLICATE_AUTHORIZATION;
  if (contentLengths > 0 && into.chunked) throw LENGTH_AND_CHUNKED;
  if (tokens !== null) {
    for (const token of tokens) {
      if (isReliedOnHeader(token)) throw NOMINATED_RELIED_ON_HEADER;
      delete forward[token];
    }
  }
  into.forwardHeaders = forward;
  into.connectionTokens = tokens;
  into.forwardedFor = forwardedFor;
}

const CHUNKED = 'chunked';

/** `chunked`, in any letter case, and nothing else (node trims the value's whitespace). */
function isChunked(value: string): boolean {
  if (value.length !== CHUNKED.length) return false;
  for (let i = 0; i < CHUNKED.length; i++) {
    // Every letter of `chunked` is ASCII a–z, so OR-ing 0x20 folds upper case onto it.
    if ((value.charCodeAt(i) | 0x20) !== CHUNKED.charCodeAt(i)) return false;
  }
  return true;
}
