/**
 * `<cache-lookup-value key="…" variable-name="…" [default-value="…"] [caching-type]/>`: puts
 * the cached value (with the type it was stored with) into `context.Variables`. On a miss the
 * variable gets default-value when there is one and is left unset otherwise (what APIM does;
 * its docs say null).
 */
import { getAttribute } from '../xml/index.js';
import type { PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { CACHING_TYPE_ATTRIBUTE, chooseStore } from '../cache-shared/store-choice.js';
import { decodeValue } from '../cache-shared/value-codec.js';
import { valueKey } from '../cache-shared/value-key.js';

export const cacheLookupValuePolicy: PolicyDefinition = {
  name: 'cache-lookup-value',
  sections: ALL_SECTIONS,
  attributes: {
    key: { required: true },
    'variable-name': { required: true, expression: false },
    'default-value': {},
    'caching-type': CACHING_TYPE_ATTRIBUTE,
  },
  compile(element, c) {
    c.children(element, []);
    const key = c.requiredString(element, 'key');
    const name = c.literal(element, 'variable-name')!;
    if (name.trim() === '') c.fail('InvalidAttributeValue', '<cache-lookup-value> variable-name must not be empty', element);
    const fallbackNode = getAttribute(element, 'default-value');
    const fallback = fallbackNode === undefined ? undefined : c.value(fallbackNode, '<cache-lookup-value> default-value');
    const store = chooseStore(element, c);

    return async (ctx) => {
      const bytes = store === null ? undefined : await store.get(valueKey(key(ctx)));
      const found = bytes === undefined ? undefined : decodeValue(bytes);
      const variables = stateOf(ctx).variables;
      if (found !== undefined) variables.set(name, found.value);
      else if (fallback !== undefined) variables.set(name, fallback(ctx));
    };
  },
};
