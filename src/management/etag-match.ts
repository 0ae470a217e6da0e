import { PreconditionFailedError } from '../model/errors.js';

/** Strips a weak prefix and quotes so `"abc"`, `abc` and `W/"abc"` compare equal. */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/**
 * Enforces `If-Match` (RFC 9110 §13.1.1): `*` matches any existing resource, a list
 * matches when one entry equals the current ETag, and nothing matches a missing resource.
 */
export function assertIfMatch(ifMatch: string | undefined, currentEtag: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '') return;
  if (currentEtag === undefined) throw new PreconditionFailedError('If-Match was given but the resource does not exist.');
  const candidates = ifMatch.split(',').map((tag) => tag.trim());
  if (candidates.includes('*')) return;
  const current = opaque(currentEtag);
  if (!candidates.some((tag) => opaque(tag) === current)) throw new PreconditionFailedError();
}

/** The ETag as an HTTP header value (quoted). */
export function etagHeader(etag: string): string {
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}
