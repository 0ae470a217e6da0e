import { randomBytes } from 'node:crypto';

/**
 * A fresh strong ETag, quoted as HTTP sends it, so the management layer can echo it
 * in `ETag` and compare `If-Match` verbatim. Random rather than a counter so a
 * resource deleted and re-created never gets an ETag a client saw before.
 */
export function newEtag(): string {
  return `"${randomBytes(12).toString('base64url')}"`;
}
