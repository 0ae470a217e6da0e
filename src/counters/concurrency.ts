/**
 * Per-process concurrency slots for `limit-concurrency`. Deliberately in memory in both
 * stores: a slot held in a shared store by a replica that crashes would stay taken until a
 * lease expired, turning a crash into a partial outage; per-process slots free themselves.
 */
import { positiveInteger } from './options.js';
import { storedKey } from './keys.js';
import type { ConcurrencyRelease } from './types.js';

export class ConcurrencySlots {
  // Only keys with at least one holder are present, so the map is bounded by in-flight requests.
  private readonly held = new Map<string, number>();

  acquire(key: string, max: number): ConcurrencyRelease | null {
    positiveInteger(max, 'max');
    const slotKey = storedKey(key);
    const current = this.held.get(slotKey) ?? 0;
    if (current >= max) return null;
    this.held.set(slotKey, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.held.get(slotKey) ?? 1) - 1;
      if (remaining <= 0) this.held.delete(slotKey);
      else this.held.set(slotKey, remaining);
    };
  }

  /** Holders of `key` right now (for tests and diagnostics). */
  inUse(key: string): number {
    return this.held.get(storedKey(key)) ?? 0;
  }

  clear(): void {
    this.held.clear();
  }
}
