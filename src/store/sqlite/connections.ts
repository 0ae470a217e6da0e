import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

/**
 * Asks for a throwaway database (tests). It is a file in a fresh temp folder, deleted
 * on close, not a true in-memory database: the store needs two connections to one
 * database (below), and SQLite can share an in-memory database between connections
 * only through URI filenames, which better-sqlite3 leaves disabled.
 */
export const IN_MEMORY = ':memory:';

/**
 * The store holds two connections to one database. Writes run on `writer`, whose
 * transaction stays open while the caller's async transaction body awaits; reads
 * outside a transaction go to `reader`, which in WAL mode sees only committed state
 * and is never blocked by the writer. One connection could not do both: it would
 * show outside readers the uncommitted writes.
 */
export interface SqliteConnections {
  writer: Database.Database;
  reader: Database.Database;
  /** The temp folder behind an IN_MEMORY database, removed on close. */
  throwawayDir: string | undefined;
}

export function openConnections(path: string, busyTimeoutMs: number): SqliteConnections {
  const throwawayDir = path === IN_MEMORY ? mkdtempSync(join(tmpdir(), 'portico-store-')) : undefined;
  const file = throwawayDir === undefined ? path : join(throwawayDir, 'portico.db');
  let writer: Database.Database | undefined;
  try {
    writer = new Database(file, { timeout: busyTimeoutMs });
    configureWriter(writer);
    const reader = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    return { writer, reader, throwawayDir };
  } catch (error) {
    writer?.close();
    if (throwawayDir !== undefined) rmSync(throwawayDir, { recursive: true, force: true });
    throw error;
  }
}

export function closeConnections({ writer, reader, throwawayDir }: SqliteConnections): void {
  reader.close();
  // Fold the WAL back into the database so the file is complete on its own
  // (backups, copies) and the -wal file does not linger at full size.
  writer.pragma('wal_checkpoint(TRUNCATE)');
  writer.close();
  if (throwawayDir !== undefined) rmSync(throwawayDir, { recursive: true, force: true });
}

function configureWriter(writer: Database.Database): void {
  const mode = writer.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') {
    throw new StoreError('StoreUnavailable', `SQLite could not enable WAL on this file system (journal mode is "${String(mode)}").`);
  }
  // NORMAL is durable across application crashes in WAL mode; only a power loss
  // can drop the last commits, never corrupt the file.
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');
}
