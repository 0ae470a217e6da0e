import type { ConfigSnapshot, SnapshotSource } from '../../config/snapshot.js';

type Listener = (snapshot: ConfigSnapshot) => void;

/**
 * The SnapshotSource of `portico gateway`: the snapshots the config puller accepted (pulled
 * from management, or read from the backup at start), handed to the gateway server or the
 * worker cluster. Revisions only move forward, as from the in-process publisher.
 */
export class PulledSnapshotSource implements SnapshotSource {
  private readonly listeners = new Set<Listener>();
  private latest: ConfigSnapshot | undefined;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    return () => this.listeners.delete(listener);
  }

  /** The newest accepted snapshot. */
  current(): ConfigSnapshot | undefined {
    return this.latest;
  }

  /** False (and nothing delivered) when the snapshot is no newer than the current one. */
  publish(snapshot: ConfigSnapshot): boolean {
    if (this.latest && snapshot.revision <= this.latest.revision) return false;
    this.latest = snapshot;
    for (const listener of this.listeners) listener(snapshot);
    return true;
  }
}
