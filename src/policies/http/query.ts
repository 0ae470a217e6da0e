/**
 * Raw query strings: the gateway forwards the client's query as written; a policy that
 * changes one parameter re-encodes only what it touches, so the rest reaches the backend
 * byte for byte.
 */

export interface QueryParameter {
  /** Decoded name. */
  readonly name: string;
  /** The `name=value` pair exactly as it was in the query (kept for untouched parameters). */
  readonly raw: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // A malformed escape is passed through as written, as browsers and APIM do.
    return text;
  }
}

/** [name, value] pairs, decoded, in order. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq === -1 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

export function splitQuery(rawQuery: string): QueryParameter[] {
  if (rawQuery === '') return [];
  const parts: QueryParameter[] = [];
  for (const raw of rawQuery.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    parts.push({ name: decode(eq === -1 ? raw : raw.slice(0, eq)), raw });
  }
  return parts;
}

export function encodeQueryPair(name: string, value: string): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

export function joinQuery(parts: readonly QueryParameter[]): string {
  return parts.map((p) => p.raw).join('&');
}

/** The first value of `name` (decoded), or null when absent. */
export function findQueryParameter(rawQuery: string, name: string): string | null {
  for (const [key, value] of parseQuery(rawQuery)) if (key === name) return value;
  return null;
}
