/**
 * Counter key helpers. The policy layer composes a key from parts (scope, policy instance,
 * the counter-key value, …); `counterKey` escapes the separator so that no choice of part
 * values can make two different part lists produce the same key.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../model/errors.js';

const SEPARATOR = ':';
/** Keys longer than this are stored by digest, so a huge header value cannot bloat a store. */
export const MAX_STORED_KEY_LENGTH = 256;

/**
 * Joins parts with `:` after percent-escaping `%` and `:` in each part (an injective
 * encoding: `['a:b','c']` and `['a','b:c']` stay distinct). Braces are escaped too, so a key
 * never carries a Redis Cluster hash tag of its own.
 */
export function counterKey(parts: readonly string[]): string {
  if (parts.length === 0) throw new ValidationError('A counter key needs at least one part.');
  return parts.map(escapePart).join(SEPARATOR);
}

/**
 * `counterKey([...fixed, last])` with the fixed parts escaped once: the limit policies know
 * every part but the counter-key value when they compile, and call this per request.
 */
export function counterKeyWithPrefix(fixed: readonly string[]): (last: string) => string {
  if (fixed.length === 0) return (last) => escapePart(last);
  const prefix = counterKey(fixed) + SEPARATOR;
  // The counter-key value is usually the same string object call after call (a subscription
  // or API id): returning the same key string then spares the concatenation, and the store's
  // map finds the key's hash already computed on it.
  let lastPart: string | undefined;
  let lastKey = '';
  return (last) => {
    if (last !== lastPart) {
      lastKey = prefix + escapePart(last);
      lastPart = last;
    }
    return lastKey;
  };
}

const SPECIAL = /[%:{}]/;

function escapePart(part: string): string {
  // Most parts (ids, GUIDs, addresses) have nothing to escape: test first, allocate only if needed.
  if (!SPECIAL.test(part)) return part;
  return part.replace(/[%:{}]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * What a store keeps for `key`: the key itself, or `#` + its SHA-256 when it is longer than
 * MAX_STORED_KEY_LENGTH (a collision would need a SHA-256 preimage).
 */
export function storedKey(key: string): string {
  if (key.length === 0) throw new ValidationError('A counter key must not be empty.');
  if (key.length <= MAX_STORED_KEY_LENGTH) return key;
  return `#${createHash('sha256').update(key).digest('base64url')}`;
}
