import type Database from 'better-sqlite3';
import type { ResourceKind } from '../../model/kinds.js';
import { StoreError } from '../errors.js';
import { toPageWindow } from '../list-query.js';
import { TransactionQueue } from '../transaction-queue.js';
import type { ListQuery, ListResult, ResourceKey, Store, StoredResource, StoreTx } from '../types.js';
import { closeConnections, openConnections, type SqliteConnections } from './connections.js';
import { applyMigrations } from './migrations.js';
import { ResourceReads } from './resource-reads.js';
import { ResourceWrites } from './resource-writes.js';
import { SqliteTx } from './sqlite-tx.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' for a throwaway database deleted on close (tests; see IN_MEMORY). */
  path: string;
  /** How long to wait for another process's lock on the file before failing. */
  busyTimeoutMs?: number;
}

/** Connection settings as SQLite reports them, for startup logs and diagnostics. */
export interface SqlitePragmas {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export class SqliteStore implements Store {
  private readonly queue = new TransactionQueue();
  private readonly committedReads: ResourceReads;
  private readonly txReads: ResourceReads;
  private readonly writes: ResourceWrites;
  private readonly writer: Database.Database;
  private closing: Promise<void> | undefined;

  private constructor(private readonly connections: SqliteConnections) {
    this.writer = connections.writer;
    this.committedReads = new ResourceReads(connections.reader);
    this.txReads = new ResourceReads(connections.writer);
    this.writes = new ResourceWrites(connections.writer);
  }

  /** Opens (creating if needed) the database and brings its schema up to date. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const connections = openConnections(options.path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    try {
      applyMigrations(connections.writer);
      return new SqliteStore(connections);
    } catch (error) {
      closeConnections(connections);
      throw error;
    }
  }

  async get(key: ResourceKey): Promise<StoredResource | undefined> {
    this.assertOpen();
    return this.committedReads.get(key);
  }

  async list(kind: ResourceKind, query?: ListQuery): Promise<ListResult> {
    this.assertOpen();
    return this.committedReads.list(kind, toPageWindow(query));
  }

  async revision(): Promise<number> {
    this.assertOpen();
    return this.committedReads.revision();
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // Checked at call time: transactions queued before close() still run, new ones are refused.
    if (this.closing) return Promise.reject(closedError());
    return this.queue.run(() => this.runTransaction(fn));
  }

  close(): Promise<void> {
    if (this.queue.isInsideBody()) {
      return Promise.reject(new StoreError('NestedTransaction', 'close() cannot be called from inside a transaction.'));
    }
    this.closing ??= this.queue.drain().then(() => closeConnections(this.connections));
    return this.closing;
  }

  pragmas(): SqlitePragmas {
    this.assertOpen();
    return {
      journalMode: String(this.writer.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.writer.pragma('synchronous', { simple: true })),
      foreignKeys: Number(this.writer.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(this.writer.pragma('busy_timeout', { simple: true })),
    };
  }

  private async runTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock now, so a second process writing the same file
    // waits here (busy timeout) instead of failing at the first write mid-body.
    this.writer.exec('BEGIN IMMEDIATE');
    const tx = new SqliteTx(this.txReads, this.writes);
    try {
      const result = await fn(tx);
      tx.end();
      if (tx.wrote) this.writes.bumpRevision();
      this.writer.exec('COMMIT');
      return result;
    } catch (error) {
      tx.end();
      this.rollback();
      throw error;
    }
  }

  private rollback(): void {
    // SQLite has already rolled back after some errors (e.g. a failed COMMIT on I/O error).
    if (!this.writer.inTransaction) return;
    try {
      this.writer.exec('ROLLBACK');
    } catch {
      // The caller must see the error that aborted the transaction, not this one;
      // a connection that cannot roll back fails loudly on its next BEGIN anyway.
    }
  }

  private assertOpen(): void {
    if (this.closing) throw closedError();
  }
}

function closedError(): StoreError {
  return new StoreError('StoreClosed', 'The store is closed.');
}
