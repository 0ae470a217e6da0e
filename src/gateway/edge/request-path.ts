import { preallocatedError } from '../errors.js';

const refuse = (message: string) => preallocatedError(400, 'BadRequest', message);
const NOT_ABSOLUTE = refuse('The request target must be an absolute path.');
const BACKSLASH = refuse("The request path must not contain '\\'.");
const ABOVE_ROOT = refuse('The request path climbs above the root.');
const MALFORMED = refuse('The request path has malformed percent-encoding.');
const ENCODED_SLASH = refuse("The request path must not contain an encoded '/'.");
const NUL = refuse('The request path must not contain NUL.');

/**
 * The request path, normalised once and used for both routing and forwarding, so the
 * gateway never routes on one path and forwards another (the classic proxy confusion
 * behind `/public/..%2Fadmin` style bypasses).
 */
export interface NormalisedPath {
  /** Segments as received (still percent-encoded), dot-segments resolved; a trailing '/' is not a segment. */
  raw: string[];
  /** The same segments percent-decoded; the very same array as `raw` when nothing was encoded. */
  decoded: string[];
  /** The path ended with '/' (or with a dot-segment, which RFC 3986 resolves to a directory). */
  trailingSlash: boolean;
  /**
   * The fewest segments left after a `..` removed one; `Infinity` when no `..` occurred.
   * Routing refuses a request where this is below the depth of the API's path: such a
   * path climbed out of the API it ends up in.
   */
  lowestDepthAfterPop: number;
}

/**
 * Parses the path part of an origin-form request target. Refuses (400) what a backend
 * could read differently from the gateway: encoded '/', any '\' (some servers treat it as
 * '/'), NUL, malformed percent-encoding, and '..' above the root. `.`/`..` followed by
 * `;params` count as dot-segments (see dotSegment).
 */
export function normaliseRequestPath(rawPath: string): NormalisedPath {
  if (rawPath.charCodeAt(0) !== 47 /* / */) throw NOT_ABSOLUTE;
  if (rawPath.includes('\\')) throw BACKSLASH;

  const encoded = rawPath.includes('%');
  const parts = rawPath.slice(1).split('/');
  const raw: string[] = [];
  const decoded: string[] = encoded ? [] : raw;
  let trailingSlash = false;
  let lowestDepthAfterPop = Infinity;

  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const isLast = i === parts.length - 1;
    const value = encoded && part.includes('%') ? decodeSegment(part) : part;
    const dots = dotSegment(value);

    if (dots !== NOT_DOT_SEGMENT) {
      if (dots === PARENT) {
        if (raw.length === 0) throw ABOVE_ROOT;
        raw.pop();
        if (encoded) decoded.pop();
        if (raw.length < lowestDepthAfterPop) lowestDepthAfterPop = raw.length;
      }
      if (isLast) trailingSlash = true;
      continue;
    }
    if (value === '' && isLast) {
      trailingSlash = true;
      continue;
    }
    raw.push(part);
    if (encoded) decoded.push(value);
  }
  return { raw, decoded, trailingSlash, lowestDepthAfterPop };
}

const NOT_DOT_SEGMENT = 0;
const CURRENT = 1;
const PARENT = 2;
const DOT = 46;
const SEMICOLON = 59;

/**
 * Whether a (decoded) segment is `.` or `..`. Servlet containers (Tomcat, Jetty) and Spring
 * strip `;params` from a segment before resolving dot-segments, so `..;` or `..;x=1` climbs
 * like `..` there: what is `.`/`..` before the first `;` is a dot-segment here too, or
 * `/api/..;/admin` would route to `api` and reach the backend's `/admin`. Encoded dots
 * and semicolons (`%2e`, `%3b`) arrive decoded. Char codes, not slicing: this runs for every segment.
 */
function dotSegment(value: string): typeof NOT_DOT_SEGMENT | typeof CURRENT | typeof PARENT {
  const length = value.length;
  if (length === 0 || value.charCodeAt(0) !== DOT) return NOT_DOT_SEGMENT;
  if (length === 1 || value.charCodeAt(1) === SEMICOLON) return CURRENT;
  if (value.charCodeAt(1) !== DOT) return NOT_DOT_SEGMENT;
  return length === 2 || value.charCodeAt(2) === SEMICOLON ? PARENT : NOT_DOT_SEGMENT;
}

function decodeSegment(segment: string): string {
  let value: string;
  try {
    value = decodeURIComponent(segment);
  } catch {
    throw MALFORMED;
  }
  if (value.includes('/')) throw ENCODED_SLASH;
  if (value.includes('\\')) throw BACKSLASH;
  if (value.includes('\0')) throw NUL;
  return value;
}

/** The raw path from segment `from` on: '' when nothing is left, else it starts with '/'. */
export function pathFrom(path: NormalisedPath, from: number): string {
  const { raw } = path;
  if (from >= raw.length) return path.trailingSlash ? '/' : '';
  let out = '';
  for (let i = from; i < raw.length; i++) out += '/' + raw[i];
  return path.trailingSlash ? out + '/' : out;
}
