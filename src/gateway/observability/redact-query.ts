import { decodeQueryComponent } from '../router/query-string.js';

/** What a redacted query value is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * The query string with the values of secret parameters replaced by `REDACTED`. A name
 * matches after the same decoding the gateway applies when it reads a key
 * (`subscription%2Dkey` is `subscription-key`), compared without case, so nothing the
 * gateway would accept as a key is ever written out. Other parameters are kept as sent.
 */
export function redactQuery(rawQuery: string, secretNames: ReadonlySet<string>): string {
  if (rawQuery === '' || secretNames.size === 0) return rawQuery;
  let out = '';
  let start = 0;
  let changed = false;
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    let eq = rawQuery.indexOf('=', start);
    if (eq === -1 || eq > end) eq = end;
    const part = rawQuery.slice(start, end);
    if (eq > start && secretNames.has(decodeQueryComponent(rawQuery.slice(start, eq)).toLowerCase())) {
      out += `${rawQuery.slice(start, eq)}=${REDACTED}`;
      changed = true;
    } else out += part;
    if (end < rawQuery.length) out += '&';
    start = end + 1;
  }
  return changed ? out : rawQuery;
}
