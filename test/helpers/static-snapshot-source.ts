import type { ConfigSnapshot, SnapshotSource } from '../../src/config/snapshot.js';

/**
 * A SnapshotSource a test drives by hand: `publish()` delivers a snapshot to every
 * subscriber (synchronously), and a new subscriber gets the latest one at once.
 */
export class StaticSnapshotSource implements SnapshotSource {
  private current: ConfigSnapshot | undefined;
  private readonly listeners = new Set<(snapshot: ConfigSnapshot) => void>();

  constructor(initial?: ConfigSnapshot) {
    this.current = initial;
  }

  get latest(): ConfigSnapshot | undefined {
    return this.current;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(snapshot: ConfigSnapshot): void {
    this.current = snapshot;
    for (const listener of [...this.listeners]) listener(snapshot);
  }

  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (this.current !== undefined) listener(this.current);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
