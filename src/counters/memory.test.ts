import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { describeCounterStoreBehaviour, fakeClock } from './behaviour.test-helper.js';
import { MemoryCounterStore } from './memory.js';

describeCounterStoreBehaviour('memory', async () => ({
  store: new MemoryCounterStore({ sweepIntervalMs: 0 }),
  clock: fakeClock(),
  windowMs: 1000,
}));

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
