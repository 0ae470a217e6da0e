/**
 * Reference implementations of the data interfaces in context.ts, for the gateway (and
 * tests) to build a per-request `context`: a case-insensitive header map, a URL view and a
 * buffered body with APIM's preserveContent semantics.
 */
import type { MessageBody, StringValuesMap, UrlInfo } from './context.js';

/** A StringValuesMap over a record; header names compare case-insensitively by default. */
export function stringValuesMap(record: Readonly<Record<string, string | readonly string[] | undefined>>, caseInsensitive = true): StringValuesMap {
  const entries = new Map<string, { name: string; values: readonly string[] }>();
  for (const [name, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const key = caseInsensitive ? name.toLowerCase() : name;
    const values = typeof v === 'string' ? [v] : [...v];
    const prev = entries.get(key);
    entries.set(key, { name: prev?.name ?? name, values: prev ? [...prev.values, ...values] : values });
  }
  return {
    get: (name) => entries.get(caseInsensitive ? name.toLowerCase() : name)?.values,
    names: () => [...entries.values()].map((e) => e.name),
  };
}

/** A UrlInfo for an absolute URL (query names are case-sensitive, as in APIM). */
export function urlInfo(url: string): UrlInfo {
  const u = new URL(url);
  const query: Record<string, string[]> = {};
  for (const [k, v] of u.searchParams) (query[k] ??= []).push(v);
  const scheme = u.protocol.slice(0, -1);
  return {
    Scheme: scheme,
    Host: u.hostname,
    Port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80,
    Path: u.pathname,
    Query: stringValuesMap(query, false),
    QueryString: u.search,
  };
}

/**
 * A body already buffered in memory. Reading without `preserveContent` consumes it (later
 * reads see no body), matching APIM; reading with it leaves the body for the next reader.
 */
export function bufferedBody(content: string | Uint8Array): MessageBody {
  let bytes: Uint8Array | null = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    read(preserveContent: boolean): Uint8Array | null {
      const current = bytes;
      if (!preserveContent) bytes = null;
      return current;
    },
  };
}
