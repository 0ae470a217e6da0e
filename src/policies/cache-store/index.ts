/**
 * `<cache-store duration="s" [cache-response="…"]/>`: stores the response under the key the
 * `cache-lookup` of this request missed, if it may be cached (a 200 unless cache-response
 * says otherwise; never what the backend marks no-store, no-cache or — unless private
 * caching is allowed — private or Set-Cookie; at most 2 MiB). See docs/caching.md.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { readBodyForCache } from '../cache-shared/body.js';
import { downstreamCacheControl, responseCacheable } from '../cache-shared/cacheability.js';
import { takePendingStore } from '../cache-shared/pending.js';
import { MAX_CACHED_RESPONSE_BYTES, encodeResponse } from '../cache-shared/response-entry.js';
import { DURATION_ATTRIBUTE } from '../cache-shared/store-choice.js';

export const cacheStorePolicy: PolicyDefinition = {
  name: 'cache-store',
  sections: ['outbound'],
  attributes: {
    duration: DURATION_ATTRIBUTE,
    'cache-response': { type: 'bool' },
  },
  compile(element, c) {
    c.children(element, []);
    const duration = c.int(element, 'duration')!;
    const cacheResponse = element.attributes.some((a) => a.name === 'cache-response') ? c.bool(element, 'cache-response', false) : undefined;

    return (ctx) => {
      const pending = takePendingStore(ctx);
      const response = ctx.response;
      if (pending === undefined || response === null) return;
      if (cacheResponse === undefined ? response.statusCode !== 200 : !cacheResponse(ctx)) return;
      if (!responseCacheable(response.headers, pending.allowPrivate)) return;
      const seconds = duration(ctx);
      if (seconds <= 0) return;
      return readBodyForCache(response, MAX_CACHED_RESPONSE_BYTES).then((body) => {
        if (body === undefined) return;
        const cacheControl = downstreamCacheControl(pending.downstream, seconds, pending.mustRevalidate);
        // A copy: the headers object may be shared by every response a policy makes.
        if (cacheControl !== undefined) response.headers = { ...response.headers, 'cache-control': cacheControl };
        // Stored in the background: the stores never reject, and the client need not wait.
        void pending.store.set(pending.key, encodeResponse(response, body), seconds * 1000);
      });
    };
  },
};
