/**
 * Whether a response may go into a shared gateway cache, and what the gateway tells
 * downstream caches about it. The backend's own directives win over the policy: a response
 * it marks `no-store`, `no-cache` (it must be revalidated, which a gateway cache cannot do)
 * or `Vary: *` is never cached; `private` and `Set-Cookie` responses belong to one user and
 * are cached only with allow-private-response-caching.
 */
import type { PolicyResponse } from '../contract/context.js';

export type DownstreamCaching = 'none' | 'private' | 'public';
export const DOWNSTREAM_CACHING_TYPES: readonly DownstreamCaching[] = ['none', 'private', 'public'];

export function responseCacheable(headers: PolicyResponse['headers'], allowPrivate: boolean): boolean {
  const cacheControl = directives(headers['cache-control']);
  if (cacheControl.has('no-store') || cacheControl.has('no-cache')) return false;
  if (directives(headers.vary).has('*')) return false;
  if (!allowPrivate && (cacheControl.has('private') || headers['set-cookie'] !== undefined)) return false;
  return true;
}

/**
 * The Cache-Control the gateway sends for a response it caches, or undefined for `none`
 * (the backend's own header, if any, is left as it is). max-age is the cache duration, the
 * same on the first answer and on every hit, so hits stay identical to the stored response.
 */
export function downstreamCacheControl(type: DownstreamCaching, durationSec: number, mustRevalidate: boolean): string | undefined {
  if (type === 'none') return undefined;
  return `${type}, max-age=${durationSec}${mustRevalidate ? ', must-revalidate' : ''}`;
}

/** Lower-case directive names of a comma-separated header (arguments dropped). */
function directives(value: string | string[] | number | undefined): Set<string> {
  const found = new Set<string>();
  if (value === undefined) return found;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  for (const part of text.split(',')) {
    const name = part.split('=', 1)[0].trim().toLowerCase();
    if (name !== '') found.add(name);
  }
  return found;
}
