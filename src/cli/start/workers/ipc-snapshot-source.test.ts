import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../../../config/snapshot.js';
import { IpcSnapshotSource } from './ipc-snapshot-source.js';
import { isPrimaryMessage, isWorkerMessage, parseWorkerSettings, type IpcChannel } from './protocol.js';

/** The primary's end of a channel, driven by the test: `deliver` is a message arriving. */
function channel(): IpcChannel & { deliver(message: unknown): void } {
  const listeners = new Set<(message: unknown) => void>();
  return {
    send: () => undefined,
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliver(message) {
      for (const listener of listeners) listener(message);
    },
  };
}

const snapshot = (revision: number): ConfigSnapshot => ({ revision }) as ConfigSnapshot;

describe('IpcSnapshotSource', () => {
  it('hands each newer snapshot to subscribers, the latest at once to a late one, and ignores other messages', () => {
    const ipc = channel();
    const source = new IpcSnapshotSource(ipc);
    const seen: number[] = [];
    source.subscribe((s) => seen.push(s.revision));
    ipc.deliver({ type: 'portico:snapshot', snapshot: snapshot(3) });
    ipc.deliver({ type: 'portico:snapshot', snapshot: snapshot(2) });
    ipc.deliver({ type: 'portico:drain', drainMs: 5 });
    ipc.deliver({ type: 'portico:snapshot', snapshot: 'not a snapshot' });
    ipc.deliver({ type: 'portico:snapshot', snapshot: snapshot(4) });
    expect(seen).toEqual([3, 4]);
    const late: number[] = [];
    source.subscribe((s) => late.push(s.revision));
    expect(late).toEqual([4]);
    source.close();
    ipc.deliver({ type: 'portico:snapshot', snapshot: snapshot(5) });
    expect(seen).toEqual([3, 4]);
  });
});

describe('worker protocol', () => {
  it('recognises only well-formed messages', () => {
    expect(isPrimaryMessage({ type: 'portico:drain', drainMs: 10 })).toBe(true);
    expect(isPrimaryMessage({ type: 'portico:drain' })).toBe(false);
    expect(isPrimaryMessage({ type: 'portico:metrics-request', requestId: 1 })).toBe(true);
    expect(isPrimaryMessage({ type: 'prom-client:getMetricsReq' })).toBe(false);
    expect(isWorkerMessage({ type: 'portico:listening', port: 1 })).toBe(true);
    expect(isWorkerMessage(null)).toBe(false);
  });

  it('reads the worker settings the primary passes, and refuses a process not started by it', () => {
    expect(parseWorkerSettings('{"host":"127.0.0.1","port":0}')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(() => parseWorkerSettings(undefined)).toThrow(/portico start --workers/);
  });
});
