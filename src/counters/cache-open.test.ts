import { describe, expect, it } from 'vitest';
import { cacheOptionsFromEnv, openCaches, parseCacheMaxBytes } from './cache-open.js';

describe('parseCacheMaxBytes', () => {
  it('reads bytes and binary units', () => {
    expect(parseCacheMaxBytes(undefined)).toBeUndefined();
    expect(parseCacheMaxBytes(' ')).toBeUndefined();
    expect(parseCacheMaxBytes('67108864')).toBe(64 * 1024 * 1024);
    expect(parseCacheMaxBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseCacheMaxBytes('64m')).toBe(64 * 1024 * 1024);
    expect(parseCacheMaxBytes('512 KB')).toBe(512 * 1024);
    expect(parseCacheMaxBytes('1g')).toBe(1024 ** 3);
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['0', '-5', '1.5MiB', 'lots', '10 parsecs']) expect(() => parseCacheMaxBytes(bad)).toThrow(/PORTICO_CACHE_MAX_BYTES/);
  });
});

describe('openCaches', () => {
  it('opens only the memory cache without a Redis URL, bounded as configured', async () => {
    const caches = await openCaches(cacheOptionsFromEnv({ PORTICO_CACHE_MAX_BYTES: '1MiB' }));
    expect(caches.internal.kind).toBe('memory');
    expect(caches.internal.stats.maxBytes).toBe(1024 * 1024);
    expect(caches.external).toBeUndefined();
    await caches.close();
  });

  it('refuses a URL that is not redis:// without echoing it', async () => {
    await expect(openCaches({ redisUrl: 'http://user:secret@host' })).rejects.toThrow(/scheme "http"/);
    await expect(openCaches({ redisUrl: 'http://user:secret@host' })).rejects.not.toThrow(/secret/);
  });
});
