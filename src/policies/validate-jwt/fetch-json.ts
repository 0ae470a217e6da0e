/**
 * GETs a small JSON document (an OpenID discovery document, a JWKS) through the engine's
 * outbound client, which refuses link-local and metadata addresses: bounded in time and size,
 * no redirects, and every failure a returned reason rather than a throw, so a broken identity
 * provider makes tokens fail validation, never the gateway fail a request with a 500.
 */
import type { Dispatcher } from 'undici';
import { collectBody } from '../http/bodies.js';
import { forbiddenHost } from '../http/outbound-client.js';

export interface JsonFetchOptions {
  readonly client: Dispatcher;
  readonly allowLinkLocal: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export type JsonFetchResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** Why a URL may not be fetched, or null when it may; also used at compile time. */
export function urlProblem(text: string, allowLinkLocal: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (!allowLinkLocal && forbiddenHost(url.hostname)) return 'points at a link-local or metadata address';
  return null;
}

export async function fetchJson(text: string, options: JsonFetchOptions): Promise<JsonFetchResult> {
  const problem = urlProblem(text, options.allowLinkLocal);
  if (problem !== null) return { ok: false, problem: `the URL ${problem}` };
  const url = new URL(text);
  let response: Dispatcher.ResponseData;
  try {
    response = await options.client.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    return { ok: false, problem: 'the request failed' };
  }
  try {
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { ok: false, problem: `the answer was ${response.statusCode}` };
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      response.body.destroy();
      return { ok: false, problem: 'the document is too large' };
    }
    let body: Buffer;
    try {
      body = await collectBody(response.body, options.maxBytes);
    } catch {
      return { ok: false, problem: 'the document is too large or was cut short' };
    }
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    response.body.destroy();
    return { ok: false, problem: 'the document could not be read as JSON' };
  }
}
