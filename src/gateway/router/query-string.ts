/**
 * Reads one parameter from a raw query string without parsing the whole of it: most
 * requests need at most one or two lookups (a template query part, the subscription
 * key), so a scan beats building a URLSearchParams per request.
 *
 * Names and values are decoded as forms are (`+` is a space); malformed
 * percent-encoding is kept as written rather than failing the request.
 * Returns the first occurrence's value ('' for `?flag`), or null when absent.
 */
export function findQueryValue(rawQuery: string, name: string): string | null {
  if (rawQuery.length === 0) return null;
  let start = 0;
  while (start <= rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    if (end > start) {
      let eq = rawQuery.indexOf('=', start);
      if (eq === -1 || eq > end) eq = end;
      if (decodeQueryComponent(rawQuery.slice(start, eq)) === name) {
        return eq === end ? '' : decodeQueryComponent(rawQuery.slice(eq + 1, end));
      }
    }
    start = end + 1;
  }
  return null;
}

export function decodeQueryComponent(text: string): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
