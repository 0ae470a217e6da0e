import type { ResourceKind } from '../../model/kinds.js';
import { StoreError } from '../errors.js';
import { toPageWindow } from '../list-query.js';
import type { ListQuery, ListResult, ResourceKey, ResourceWrite, StoredResource, StoreTx } from '../types.js';
import type { ResourceReads } from './resource-reads.js';
import type { ResourceWrites } from './resource-writes.js';

/**
 * The `tx` handed to a transaction body. It reads through the writer connection, so
 * it sees its own uncommitted writes, and records whether it changed anything so
 * the store knows whether to advance the revision.
 */
export class SqliteTx implements StoreTx {
  private changedSomething = false;
  private ended = false;

  constructor(
    private readonly reads: ResourceReads,
    private readonly writes: ResourceWrites,
  ) {}

  get wrote(): boolean {
    return this.changedSomething;
  }

  /** Called by the store when the transaction commits or rolls back. */
  end(): void {
    this.ended = true;
  }

  async get(key: ResourceKey): Promise<StoredResource | undefined> {
    this.assertActive();
    return this.reads.get(key);
  }

  async list(kind: ResourceKind, query?: ListQuery): Promise<ListResult> {
    this.assertActive();
    return this.reads.list(kind, toPageWindow(query));
  }

  async put(write: ResourceWrite): Promise<StoredResource> {
    this.assertActive();
    const stored = this.writes.put(write);
    this.changedSomething = true;
    return stored;
  }

  async delete(key: ResourceKey): Promise<boolean> {
    this.assertActive();
    const deleted = this.writes.delete(key);
    this.changedSomething ||= deleted;
    return deleted;
  }

  async deleteDescendants(parent: string): Promise<number> {
    this.assertActive();
    const count = this.writes.deleteDescendants(parent);
    this.changedSomething ||= count > 0;
    return count;
  }

  private assertActive(): void {
    // A body that leaks its tx (an un-awaited call, a stored reference) would otherwise
    // write into whichever transaction happens to be open next, or outside any.
    if (this.ended) throw new StoreError('TransactionEnded', 'This transaction has already finished; its tx can no longer be used.');
  }
}
