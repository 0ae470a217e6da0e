/**
 * A Map whose values carry their own expiry. Expired values are dropped lazily when read
 * and by `sweep`, which looks at a bounded batch per call and resumes where it stopped, so
 * a periodic sweep never stalls the event loop however many keys there are.
 */
export interface Expiring {
  /** Epoch ms from which the value is garbage. */
  expiresAt: number;
}

export class ExpiringMap<V extends Expiring> {
  private readonly entries = new Map<string, V>();
  private cursor: Iterator<[string, V]> | undefined;

  get(key: string, now: number): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && value.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Examines at most `budget` entries, deleting the expired ones; returns how many it deleted. */
  sweep(now: number, budget: number): number {
    let removed = 0;
    // Map iterators stay valid across deletions, so the cursor survives between sweeps.
    this.cursor ??= this.entries.entries();
    for (let examined = 0; examined < budget; examined++) {
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = undefined;
        break;
      }
      const [key, value] = next.value;
      if (value.expiresAt <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.entries.clear();
    this.cursor = undefined;
  }
}
