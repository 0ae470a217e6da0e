/**
 * `<cache-store-value key="…" value="…" duration="s" [caching-type]/>`: stores a value (its
 * type kept: string, number, bool, JSON) for `duration` seconds. The write is not awaited,
 * as in APIM; on one gateway (and one Redis connection) a later lookup sees it.
 */
import { getAttribute } from '../xml/index.js';
import type { PolicyDefinition } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { CACHING_TYPE_ATTRIBUTE, DURATION_ATTRIBUTE, chooseStore } from '../cache-shared/store-choice.js';
import { MAX_CACHED_RESPONSE_BYTES } from '../cache-shared/response-entry.js';
import { encodeValue } from '../cache-shared/value-codec.js';
import { valueKey } from '../cache-shared/value-key.js';

export const cacheStoreValuePolicy: PolicyDefinition = {
  name: 'cache-store-value',
  sections: ALL_SECTIONS,
  attributes: {
    key: { required: true },
    value: { required: true },
    duration: DURATION_ATTRIBUTE,
    'caching-type': CACHING_TYPE_ATTRIBUTE,
  },
  compile(element, c) {
    c.children(element, []);
    const key = c.requiredString(element, 'key');
    const value = c.value(getAttribute(element, 'value')!, '<cache-store-value> value');
    const duration = c.int(element, 'duration')!;
    const store = chooseStore(element, c);

    return (ctx) => {
      const k = valueKey(key(ctx));
      const v = encodeValue(value(ctx));
      const seconds = duration(ctx);
      if (store === null) return;
      // A zero duration stores nothing, so it removes what was there.
      // One value may not crowd out the cache (a request body can reach 16 MiB): the same cap
      // as a cached response; a bigger value is not stored, and what the key held is dropped.
      if (seconds <= 0 || v.length > MAX_CACHED_RESPONSE_BYTES) void store.delete(k);
      else void store.set(k, v, seconds * 1000);
    };
  },
};
