import { describe, expect, it } from 'vitest';
import { CACHE_ENTRY_OVERHEAD_BYTES, DEFAULT_CACHE_MAX_BYTES, MemoryCacheStore } from './cache-memory.js';

/** An entry's accounted size: value + key (2 bytes a character) + overhead. */
const cost = (key: string, valueBytes: number) => valueBytes + key.length * 2 + CACHE_ENTRY_OVERHEAD_BYTES;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('MemoryCacheStore', () => {
  it('returns what was stored, and nothing for unknown keys', async () => {
    const store = new MemoryCacheStore();
    expect(await store.set('a', Buffer.from('alpha'), 1000)).toBe(true);
    expect((await store.get('a'))?.toString()).toBe('alpha');
    expect(await store.get('b')).toBeUndefined();
    expect(store.stats).toMatchObject({ hits: 1, misses: 1, sets: 1, entries: 1, bytes: cost('a', 5), maxBytes: DEFAULT_CACHE_MAX_BYTES });
  });

  it('never holds more bytes than its bound, evicting the least recently used first', () => {
    const bound = cost('k1', 100) * 3;
    const store = new MemoryCacheStore({ maxBytes: bound });
    store.setNow('k1', Buffer.alloc(100, 1), 60_000);
    store.setNow('k2', Buffer.alloc(100, 2), 60_000);
    store.setNow('k3', Buffer.alloc(100, 3), 60_000);
    expect(store.stats.bytes).toBe(bound);
    // Reading k1 makes k2 the least recently used.
    expect(store.getNow('k1')).toBeDefined();
    store.setNow('k4', Buffer.alloc(100, 4), 60_000);
    expect(store.stats.bytes).toBeLessThanOrEqual(bound);
    expect(store.getNow('k2')).toBeUndefined();
    expect(store.getNow('k1')?.[0]).toBe(1);
    expect(store.getNow('k3')?.[0]).toBe(3);
    expect(store.getNow('k4')?.[0]).toBe(4);
    expect(store.stats.evictions).toBe(1);
  });

  it('evicts as many entries as a large value needs', () => {
    const store = new MemoryCacheStore({ maxBytes: cost('k1', 100) * 4 });
    for (const key of ['k1', 'k2', 'k3', 'k4']) store.setNow(key, Buffer.alloc(100), 60_000);
    store.setNow('big', Buffer.alloc(250), 60_000);
    expect(store.stats.bytes).toBeLessThanOrEqual(store.maxBytes);
    expect(store.getNow('k1')).toBeUndefined();
    expect(store.getNow('k2')).toBeUndefined();
    expect(store.getNow('k3')).toBeDefined();
    expect(store.getNow('k4')).toBeDefined();
    expect(store.getNow('big')).toBeDefined();
    expect(store.stats.evictions).toBe(2);
  });

  it('refuses an entry larger than the whole bound and keeps what it has', () => {
    const store = new MemoryCacheStore({ maxBytes: 1000 });
    store.setNow('small', Buffer.alloc(10), 60_000);
    expect(store.setNow('huge', Buffer.alloc(1000), 60_000)).toBe(false);
    expect(store.getNow('small')).toBeDefined();
    expect(store.stats.rejected).toBe(1);
  });

  it('replacing a key accounts its bytes once', () => {
    const store = new MemoryCacheStore({ maxBytes: 10_000 });
    store.setNow('k', Buffer.alloc(100), 60_000);
    store.setNow('k', Buffer.alloc(300), 60_000);
    expect(store.stats).toMatchObject({ entries: 1, bytes: cost('k', 300) });
    store.deleteNow('k');
    expect(store.stats).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('expires entries after their TTL', () => {
    const time = clock();
    const store = new MemoryCacheStore({ now: time.now });
    store.setNow('short', Buffer.from('s'), 1000);
    store.setNow('long', Buffer.from('l'), 5000);
    time.advance(999);
    expect(store.getNow('short')?.toString()).toBe('s');
    time.advance(1);
    expect(store.getNow('short')).toBeUndefined();
    expect(store.getNow('long')?.toString()).toBe('l');
    time.advance(4000);
    expect(store.getNow('long')).toBeUndefined();
    expect(store.stats).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('does not count expired entries pushed out as evictions', () => {
    const time = clock();
    const store = new MemoryCacheStore({ maxBytes: cost('k1', 100) * 2, now: time.now });
    store.setNow('k1', Buffer.alloc(100), 1000);
    store.setNow('k2', Buffer.alloc(100), 60_000);
    time.advance(2000);
    store.setNow('k3', Buffer.alloc(100), 60_000);
    expect(store.stats.evictions).toBe(0);
    expect(store.getNow('k2')).toBeDefined();
  });

  it('does not store with a non-positive TTL', () => {
    const store = new MemoryCacheStore();
    expect(store.setNow('k', Buffer.from('v'), 0)).toBe(false);
    expect(store.getNow('k')).toBeUndefined();
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new MemoryCacheStore({ maxBytes: 0 })).toThrow(/positive/);
    expect(() => new MemoryCacheStore({ maxBytes: 1.5 })).toThrow(/positive/);
  });
});
