import type { Logger } from 'pino';
import type { ConfigSnapshot, SnapshotSource } from '../config/snapshot.js';
import type { Store } from '../store/types.js';
import type { ManagementKeyring } from './rules/types.js';
import { buildSnapshot } from './snapshot-builder.js';

export interface SnapshotPublisherOptions {
  store: Store;
  keyring: ManagementKeyring;
  logger?: Logger;
}

type Listener = (snapshot: ConfigSnapshot) => void;

/**
 * The in-process SnapshotSource. After every committed write the management service
 * calls `schedule()`; a rebuild starts at once, and writes that land while it runs
 * are folded into one more rebuild after it, so a burst costs at most two builds and
 * the newest state is always published promptly. Revisions only move forward: a
 * snapshot no newer than the last one published is dropped.
 */
export class SnapshotPublisher implements SnapshotSource {
  private readonly store: Store;
  private readonly keyring: ManagementKeyring;
  private readonly logger: Logger | undefined;
  private readonly listeners = new Set<Listener>();
  private latest: ConfigSnapshot | undefined;
  private dirty = false;
  private loop: Promise<void> | undefined;
  private closed = false;
  /** Each schedule() gets a ticket; a build covers every ticket issued before it started. */
  private issued = 0;
  private covered = 0;
  private waiters: { ticket: number; resolve: () => void }[] = [];

  constructor(options: SnapshotPublisherOptions) {
    this.store = options.store;
    this.keyring = options.keyring;
    this.logger = options.logger;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.latest) this.deliver(listener, this.latest);
    return () => this.listeners.delete(listener);
  }

  /** The last published snapshot, if any. */
  current(): ConfigSnapshot | undefined {
    return this.latest;
  }

  /** Requests a rebuild (coalesced). Call after every committed write. */
  schedule(): void {
    if (this.closed) return;
    this.issued++;
    this.dirty = true;
    this.loop ??= this.run();
  }

  /** Rebuilds now and resolves once a build that started after this call has finished; returns what is published. */
  async refresh(): Promise<ConfigSnapshot | undefined> {
    this.schedule();
    const ticket = this.issued;
    if (this.covered < ticket) await new Promise<void>((resolve) => this.waiters.push({ ticket, resolve }));
    return this.latest;
  }

  /** Stops publishing; an in-flight build finishes but is not delivered. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      const ticket = this.issued;
      try {
        this.publish(await buildSnapshot(this.store, this.keyring));
      } catch (error) {
        // The next write schedules another build; the gateway keeps its last snapshot meanwhile.
        this.logger?.error({ err: error }, 'building the config snapshot failed');
      }
      this.covered = ticket;
      this.releaseWaiters();
    }
    this.loop = undefined;
    this.releaseWaiters(true);
  }

  private publish(snapshot: ConfigSnapshot): void {
    if (this.closed) return;
    if (this.latest && snapshot.revision <= this.latest.revision) return;
    this.latest = snapshot;
    for (const listener of this.listeners) this.deliver(listener, snapshot);
  }

  private deliver(listener: Listener, snapshot: ConfigSnapshot): void {
    try {
      listener(snapshot);
    } catch (error) {
      this.logger?.error({ err: error, revision: snapshot.revision }, 'a snapshot listener threw');
    }
  }

  private releaseWaiters(all = false): void {
    const ready = this.waiters.filter((w) => all || w.ticket <= this.covered);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }
}

export function createSnapshotPublisher(options: SnapshotPublisherOptions): SnapshotPublisher {
  return new SnapshotPublisher(options);
}
