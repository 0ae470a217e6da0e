import type { ConfigSnapshot, SnapshotSource } from '../../../config/snapshot.js';
import { isPrimaryMessage, type IpcChannel } from './protocol.js';

type Listener = (snapshot: ConfigSnapshot) => void;

/**
 * A gateway worker's SnapshotSource: the snapshots the primary publishes, as they arrive
 * over IPC. Revisions only move forward, as from the in-process publisher.
 */
export class IpcSnapshotSource implements SnapshotSource {
  private readonly listeners = new Set<Listener>();
  private latest: ConfigSnapshot | undefined;
  private readonly unsubscribe: () => void;

  constructor(channel: IpcChannel) {
    this.unsubscribe = channel.onMessage((message) => {
      if (isPrimaryMessage(message) && message.type === 'portico:snapshot') this.publish(message.snapshot);
    });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private publish(snapshot: ConfigSnapshot): void {
    if (this.latest && snapshot.revision <= this.latest.revision) return;
    this.latest = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}
