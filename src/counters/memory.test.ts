import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { describeCounterStoreBehaviour, fakeClock } from './behaviour.test-helper.js';
import { MemoryCounterStore } from './memory.js';
import { MAX_LIVE_SLICES } from './window-slices.js';

describeCounterStoreBehaviour('memory', async () => {
  const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
  const clock = fakeClock();
  return {
    store,
    clock,
    windowMs: 1000,
    slicedFootprint: { measure: async (key: string) => store.slicesHeld(key, clock.now()), max: MAX_LIVE_SLICES },
  };
});

describe('MemoryCounterStore', () => {
  const t0 = Date.UTC(2030, 0, 1);

  it('frees a sliding slot exactly when the oldest call is one window old', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    await store.hit('k', { limit: 2, windowMs: 1000, now: t0 });
    await store.hit('k', { limit: 2, windowMs: 1000, now: t0 + 300 });
    const refused = await store.hit('k', { limit: 2, windowMs: 1000, now: t0 + 400 });
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 600 });
    expect((await store.hit('k', { limit: 2, windowMs: 1000, now: t0 + 999 })).allowed).toBe(false);
    expect(await store.hit('k', { limit: 2, windowMs: 1000, now: t0 + 1000 })).toMatchObject({ allowed: true, total: 2 });
    await store.close();
  });

  it('waits for enough weight to leave when a heavy call is refused', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const hit = (increment: number, now: number) => store.hit('k', { limit: 10, windowMs: 1000, increment, now });
    await hit(3, t0);
    await hit(3, t0 + 100);
    await hit(3, t0 + 200);
    // 9 counted; a call of 5 needs 4 to leave: the first two calls (3 + 3), the second at t0+100.
    expect(await hit(5, t0 + 500)).toMatchObject({ allowed: false, retryAfterMs: 600 });
    expect((await hit(5, t0 + 1099)).allowed).toBe(false);
    expect(await hit(5, t0 + 1100)).toMatchObject({ allowed: true, total: 8 });
    await store.close();
  });

  it('counts a large limit by slices: a call counts until its whole slice has left the window', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    // limit 2000 > EXACT_LOG_MAX_CALLS, window 1000 ms: slices of 10 ms; t0 starts a slice.
    const hit = (increment: number, now: number) => store.hit('big', { limit: 2000, windowMs: 1000, increment, now });
    await hit(1000, t0 + 3);
    await hit(1000, t0 + 47);
    // 1 must leave: the slice [t0, t0+10) frees at t0 + 10 + 1000.
    expect(await hit(1, t0 + 500)).toMatchObject({ allowed: false, retryAfterMs: 510 });
    expect((await hit(1, t0 + 1009)).allowed).toBe(false);
    expect(await hit(1, t0 + 1010)).toMatchObject({ allowed: true, total: 1001 });
    // 1001 counted; 1000 more needs the slice [t0+40, t0+50) gone, which happens at t0 + 1050.
    expect(await hit(1000, t0 + 1020)).toMatchObject({ allowed: false, retryAfterMs: 30 });
    expect(await hit(1000, t0 + 1050)).toMatchObject({ allowed: true, total: 1001 });
    expect(store.slicesHeld('big', t0 + 1050)).toBeLessThanOrEqual(101);
    expect(store.size).toBe(1);
    expect(store.sweep(t0 + 2061)).toBe(1);
    await store.close();
  });

  it('keeps a sliced window in the slices it was counted in when the window changes, until it empties', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    await store.hit('w', { limit: 2000, windowMs: 1000, increment: 2000, now: t0 });
    // A shorter window is measured in the stored 10 ms slices: the calls leave at t0 + 10 + 500.
    expect(await store.hit('w', { limit: 2000, windowMs: 500, now: t0 + 100 })).toMatchObject({ allowed: false, retryAfterMs: 410 });
    // A longer window is capped at 100 of the stored slices (1000 ms) while the counts live.
    expect(await store.hit('w', { limit: 2000, windowMs: 5000, now: t0 + 1005 })).toMatchObject({ allowed: false, retryAfterMs: 5 });
    expect(await store.hit('w', { limit: 2000, windowMs: 5000, increment: 2000, now: t0 + 1010 })).toMatchObject({ allowed: true, total: 2000 });
    // Emptied and restarted with the new window: 50 ms slices, 5 s window.
    expect(await store.hit('w', { limit: 2000, windowMs: 5000, now: t0 + 3000 })).toMatchObject({ allowed: false, retryAfterMs: 5000 + 1050 - 3000 });
    await store.close();
  });

  it('starts a new quota window exactly at the boundary', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const options = { calls: 1, renewalPeriodSec: 60, firstPeriodStart: t0 };
    expect((await store.quota('q', { ...options, now: t0 + 59_999 })).allowed).toBe(true);
    expect(await store.quota('q', { ...options, now: t0 + 59_999 })).toMatchObject({ allowed: false, retryAfterMs: 1, periodEnd: t0 + 60_000 });
    expect(await store.quota('q', { ...options, now: t0 + 60_000 })).toMatchObject({ allowed: true, callsUsed: 1, periodEnd: t0 + 120_000 });
    // Instants before firstPeriodStart fall in windows extending backwards.
    expect((await store.quota('early', { ...options, now: t0 - 1 })).periodEnd).toBe(t0);
    await store.close();
  });

  it('keeps memory bounded: expired keys are swept, lazily or in batches', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0, sweepBatch: 100, lifetimeQuotaTtlSec: 3600 });
    for (let i = 0; i < 250; i++) {
      await store.hit(`h${i}`, { limit: 5, windowMs: 1000, now: t0 });
      await store.quota(`q${i}`, { calls: 5, renewalPeriodSec: 10, firstPeriodStart: t0, now: t0 });
    }
    await store.quota('lifetime', { calls: 5, renewalPeriodSec: 0, now: t0 });
    expect(store.size).toBe(501);
    expect(store.sweep(t0 + 999)).toBe(0);
    // Batches of 100 per map and sweep: three sweeps reach every sliding key.
    expect(store.sweep(t0 + 1000)).toBe(100);
    store.sweep(t0 + 1000);
    store.sweep(t0 + 1000);
    expect(store.size).toBe(251);
    let removed = 0;
    for (let i = 0; i < 4; i++) removed += store.sweep(t0 + 10_000);
    expect(removed).toBe(250);
    expect(store.size).toBe(1);
    // A lifetime quota is forgotten after its idle TTL, not before.
    store.sweep(t0 + 3_599_999);
    expect(store.size).toBe(1);
    store.sweep(t0 + 3_600_000);
    store.sweep(t0 + 3_600_000);
    expect(store.size).toBe(0);
    await store.close();
  });

  it('drops an expired key on access even without a sweep', async () => {
    const store = new MemoryCounterStore({ sweepIntervalMs: 0 });
    await store.hit('k', { limit: 5, windowMs: 1000, now: t0 });
    await store.hit('k', { limit: 5, windowMs: 1000, increment: 0, now: t0 + 5000 });
    expect(store.size).toBe(0);
    await store.close();
  });

  it('does not keep the process alive with its sweep timer', async () => {
    const script = `import { MemoryCounterStore } from ${JSON.stringify(new URL('./memory.ts', import.meta.url).href)};
      const store = new MemoryCounterStore({ sweepIntervalMs: 50 });
      await store.hit('k', { limit: 1, windowMs: 60000 });
      console.log('done');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(output.trim()).toBe('done');
  });
});
