/** `<cache-remove-value key="…" [caching-type]/>`: removes a value stored by cache-store-value. */
import type { PolicyDefinition } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { CACHING_TYPE_ATTRIBUTE, chooseStore } from '../cache-shared/store-choice.js';
import { valueKey } from '../cache-shared/value-key.js';

export const cacheRemoveValuePolicy: PolicyDefinition = {
  name: 'cache-remove-value',
  sections: ALL_SECTIONS,
  attributes: {
    key: { required: true },
    'caching-type': CACHING_TYPE_ATTRIBUTE,
  },
  compile(element, c) {
    c.children(element, []);
    const key = c.requiredString(element, 'key');
    const store = chooseStore(element, c);

    return (ctx) => {
      const k = valueKey(key(ctx));
      // Not awaited: the store never rejects, and on one connection a later lookup sees the removal.
      if (store !== null) void store.delete(k);
    };
  },
};
