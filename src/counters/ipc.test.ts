import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCounterStoreBehaviour, fakeClock } from './behaviour.test-helper.js';
import { IpcCounterStore } from './ipc-client.js';
import type { CounterChannel } from './ipc-protocol.js';
import { serveCounters } from './ipc-server.js';
import { MemoryCounterStore } from './memory.js';
import { MAX_LIVE_SLICES } from './window-slices.js';

/** One end of a real message channel, with node IPC's JSON serialisation. */
function portChannel(port: MessagePort): CounterChannel {
  return {
    send: (message) => port.postMessage(JSON.parse(JSON.stringify(message)) as unknown),
    onMessage(listener) {
      port.on('message', listener);
      return () => port.off('message', listener);
    },
  };
}

const opened: { close(): void }[] = [];
// The behaviour suite keeps its store for all its tests: channels close once the file is done.
afterAll(() => {
  for (const item of opened.splice(0)) item.close();
});

/** A primary holding one memory store and `workers` IPC stores talking to it. */
function cluster(workers: number): { primary: MemoryCounterStore; stores: IpcCounterStore[] } {
  const primary = new MemoryCounterStore({ sweepIntervalMs: 0 });
  const stores = Array.from({ length: workers }, () => {
    const { port1, port2 } = new MessageChannel();
    const stop = serveCounters(primary, portChannel(port1));
    opened.push({ close: () => (stop(), port1.close(), port2.close()) });
    return new IpcCounterStore(portChannel(port2));
  });
  return { primary, stores };
}

describeCounterStoreBehaviour('ipc (memory in the primary)', async () => {
  const { primary, stores } = cluster(1);
  const clock = fakeClock();
  return {
    store: stores[0],
    clock,
    windowMs: 1000,
    // The worker's calls, limits and options included, land in the primary's memory store.
    slicedFootprint: { measure: async (key: string) => primary.slicesHeld(key, clock.now()), max: MAX_LIVE_SLICES },
  };
});

describe('IpcCounterStore', () => {
  it('allows exactly the limit across several workers hammering one key', async () => {
    const { stores } = cluster(3);
    const calls = stores.flatMap((store) => Array.from({ length: 200 }, () => store.hit('shared', { limit: 150, windowMs: 60_000 })));
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.allowed)).toHaveLength(150);
    const totals = results.filter((r) => r.allowed).map((r) => r.total);
    expect(new Set(totals).size).toBe(150);
  });

  it('shares quotas and added increments across workers', async () => {
    const { stores } = cluster(2);
    const options = { calls: 3, renewalPeriodSec: 3600 };
    await stores[0].addQuota('q', { renewalPeriodSec: 3600, incrementCalls: 2 });
    expect(await stores[1].quota('q', options)).toMatchObject({ allowed: true, callsUsed: 3 });
    expect(await stores[0].quota('q', options)).toMatchObject({ allowed: false, exceeded: 'calls', callsUsed: 3 });
    await stores[1].addHits('h', { limit: 5, windowMs: 60_000, increment: 4 });
    expect(await stores[0].hit('h', { limit: 5, windowMs: 60_000 })).toMatchObject({ allowed: true, total: 5 });
  });

  it('refuses bad options locally, as the memory store does', async () => {
    const { stores } = cluster(1);
    await expect(stores[0].hit('k', { limit: 0, windowMs: 1000 })).rejects.toMatchObject({ code: 'ValidationError' });
  });

  it('decides by the fail mode once the primary is gone, and counts it', async () => {
    const { port2 } = new MessageChannel();
    const open = new IpcCounterStore(portChannel(port2));
    const waiting = open.hit('k', { limit: 1, windowMs: 1000 });
    open.channelLost();
    expect(await waiting).toMatchObject({ allowed: true, failed: 'open' });
    await open.addHits('k', { limit: 5, windowMs: 1000, increment: 1 });
    expect(open.stats).toEqual({ failOpen: 1, failClosed: 0, droppedIncrements: 1, errors: 0 });
    const closed = new IpcCounterStore(portChannel(port2), { failMode: 'closed' });
    closed.channelLost();
    expect(await closed.quota('q', { calls: 1, renewalPeriodSec: 60 })).toMatchObject({ allowed: false, failed: 'closed' });
    port2.close();
  });

  it('keeps concurrency slots in the worker', () => {
    const { stores } = cluster(2);
    const release = stores[0].acquire('c', 1);
    expect(release).not.toBeNull();
    expect(stores[0].acquire('c', 1)).toBeNull();
    expect(stores[1].acquire('c', 1)).not.toBeNull();
    release?.();
    expect(stores[0].acquire('c', 1)).not.toBeNull();
  });
});
