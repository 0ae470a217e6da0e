import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** The SQLite file's name inside the data folder. */
export const DATABASE_FILE = 'portico.db';

export interface OpenStoreOptions {
  /** The data folder (PORTICO_DATA_DIR); created if missing. */
  dataDir: string;
  /**
   * PORTICO_DATABASE_URL. Unset or `sqlite:` selects `portico.db` in the data folder;
   * `sqlite:PATH` (or `sqlite://PATH`) another file; `postgres://…` PostgreSQL.
   */
  databaseUrl?: string;
}

export async function openStore({ dataDir, databaseUrl }: OpenStoreOptions): Promise<Store> {
  const url = databaseUrl?.trim() ?? '';
  if (url === '' || url.startsWith('sqlite:')) {
    const explicitPath = url.replace(/^sqlite:(\/\/)?/, '');
    if (explicitPath !== '') return SqliteStore.open({ path: explicitPath });
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return SqliteStore.open({ path: join(dataDir, DATABASE_FILE) });
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    throw new StoreError('StoreUnavailable', 'The PostgreSQL store adapter is not available yet; unset PORTICO_DATABASE_URL to use SQLite.');
  }
  // Only the scheme is echoed: the rest of a database URL may hold a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? '(none)';
  throw new StoreError('StoreUnavailable', `Unsupported PORTICO_DATABASE_URL scheme "${scheme}"; use sqlite: or postgres://.`);
}
