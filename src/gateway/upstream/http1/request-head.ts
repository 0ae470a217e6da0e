import { UpstreamError } from './types.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What a header value may carry (node's own rule): tab, visible ASCII and latin-1. Anything
 * else is refused, not only CR and LF: the head is written as latin-1, which keeps only the
 * low byte of a character, so U+010D would go out as a CR and start a header of the caller's.
 */
const UNSENDABLE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** A request target is visible ASCII (or latin-1 already percent-decoded by nobody): no space, no control. */
const UNSENDABLE_PATH = /[^\u0021-\u00ff]/;

/**
 * Headers the connection writes itself (`host`, and the body's framing: `content-length` or
 * `transfer-encoding`) or that belong to one hop only: not copied from the header object.
 */
const CONNECTION_OWNED: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
]);

/** Methods whose requests carry a body: sent with `content-length: 0` when they have none. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** How the request's body is framed on the wire. */
export type BodyFraming =
  /** No body. */
  | { kind: 'none' }
  /** This many bytes follow the head (a buffer, or a stream with a declared length). */
  | { kind: 'length'; length: number }
  /** A stream of unknown length, sent chunked. */
  | { kind: 'chunked' };

/**
 * The request line and header section, ready for one `socket.write(head, 'latin1')`.
 * Header names are sent lower-case as given; a `host` header replaces `defaultHost`.
 * Throws an UpstreamError naming the header when a name or value cannot be sent.
 */
export function requestHead(
  method: string,
  path: string,
  defaultHost: string,
  headers: Record<string, string | string[]>,
  framing: BodyFraming,
): string {
  if (!TOKEN.test(method)) throw badRequest(`the method '${method.slice(0, 32)}' is not a token`);
  if (path.length === 0 || UNSENDABLE_PATH.test(path)) throw badRequest('the request path contains a space or a control character');
  const givenHost = headers.host;
  const host = typeof givenHost === 'string' ? givenHost : defaultHost;
  if (UNSENDABLE_VALUE.test(host)) throw badRequest("the 'host' header contains a control character or one above U+00FF");
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const name in headers) {
    if (CONNECTION_OWNED.has(name)) continue;
    const value = headers[name];
    if (!TOKEN.test(name)) throw badRequest(`the header name '${name.slice(0, 64)}' is not a token`);
    if (typeof value === 'string') {
      if (UNSENDABLE_VALUE.test(value)) throw badRequest(`the '${name}' header contains a control character or one above U+00FF`);
      head += `${name}: ${value}\r\n`;
    } else {
      for (const item of value) {
        if (UNSENDABLE_VALUE.test(item)) throw badRequest(`the '${name}' header contains a control character or one above U+00FF`);
        head += `${name}: ${item}\r\n`;
      }
    }
  }
  switch (framing.kind) {
    case 'length':
      head += `content-length: ${framing.length}\r\n`;
      break;
    case 'chunked':
      head += 'transfer-encoding: chunked\r\n';
      break;
    default:
      // No body: a length the headers still claim would leave the backend waiting for it.
      if (headers['content-length'] !== undefined || BODY_METHODS.has(method)) head += 'content-length: 0\r\n';
  }
  return head + '\r\n';
}

/** The declared Content-Length of a streamed body, or -1 when it has none (it is then sent chunked). */
export function declaredLength(headers: Record<string, string | string[]>): number {
  const value = headers['content-length'];
  if (typeof value !== 'string') return -1;
  const length = Number(value);
  if (!Number.isSafeInteger(length) || length < 0 || value.trim() === '') throw badRequest(`the Content-Length '${value.slice(0, 32)}' is not a length`);
  return length;
}

function badRequest(why: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_REQUEST', `The request cannot be sent to the backend: ${why}.`);
}
