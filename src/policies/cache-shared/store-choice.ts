/** `caching-type`: which cache a caching policy uses, decided once at compile time. */
import type { CacheStore } from '../../counters/cache-types.js';
import type { AttributeSpec, CompileContext } from '../engine/definition.js';
import type { PolicyElement } from '../xml/index.js';

const CACHING_TYPES = ['prefer-external', 'external', 'internal'] as const;

export const CACHING_TYPE_ATTRIBUTE: AttributeSpec = { type: 'enum', values: CACHING_TYPES, expression: false };

/**
 * The store for the element's `caching-type`: internal → memory, external → Redis,
 * prefer-external (the default) → Redis when configured, else memory. `external` without
 * Redis gives null: the policy then caches nothing, which is what APIM does when a cache
 * cannot be reached (lookups miss, stores are dropped, the request never fails).
 */
export function chooseStore(element: PolicyElement, c: CompileContext): CacheStore | null {
  const type = c.choice(element, 'caching-type', CACHING_TYPES, 'prefer-external');
  const { internal, external } = c.settings.cache;
  if (type === 'internal') return internal;
  if (type === 'external') return external ?? null;
  return external ?? internal;
}

/** `duration` in seconds: at most ten years (a TTL, not "forever"). */
export const DURATION_ATTRIBUTE: AttributeSpec = { required: true, type: 'int', min: 0, max: 10 * 366 * 24 * 3600 };
