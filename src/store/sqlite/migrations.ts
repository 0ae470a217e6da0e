import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

export interface Migration {
  /** Strictly increasing; never renumber or edit a released migration, add a new one. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'resources, unique claims, store revision',
    sql: `
      CREATE TABLE resources (
        kind        TEXT NOT NULL,
        parent      TEXT NOT NULL,
        id          TEXT NOT NULL,
        properties  TEXT NOT NULL,
        secrets     TEXT NOT NULL DEFAULT '{}',
        etag        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (kind, parent, id)
      ) WITHOUT ROWID;

      -- Listing a kind across parents is ordered by id, then parent.
      CREATE INDEX resources_by_kind_id ON resources (kind, id, parent);
      -- deleteDescendants scans a parent-prefix range.
      CREATE INDEX resources_by_parent ON resources (parent);

      -- The cascade releases a resource's claims whenever the resource goes away,
      -- whichever statement removed it.
      CREATE TABLE uniques (
        value   TEXT PRIMARY KEY,
        kind    TEXT NOT NULL,
        parent  TEXT NOT NULL,
        id      TEXT NOT NULL,
        FOREIGN KEY (kind, parent, id) REFERENCES resources (kind, parent, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX uniques_by_owner ON uniques (kind, parent, id);

      CREATE TABLE store_meta (
        singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
        revision   INTEGER NOT NULL
      );
      INSERT INTO store_meta (singleton, revision) VALUES (1, 0);
    `,
  },
];

/**
 * Brings the database up to the latest schema. Each migration runs in its own
 * IMMEDIATE transaction and re-checks that it is still pending once it holds the
 * write lock, so two processes opening the same file cannot apply it twice.
 * Returns the versions applied by this call (empty when already up to date).
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
  const latestKnown = migrations.at(-1)?.version ?? 0;
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const newest = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations').get();
  if (newest?.version != null && newest.version > latestKnown) {
    throw new StoreError(
      'StoreSchemaTooNew',
      `The database schema is at version ${newest.version} but this Portico knows only up to ${latestKnown}; upgrade Portico.`,
    );
  }

  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    });
    apply.immediate();
  }
  return applied;
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = index === 0 ? 0 : migrations[index - 1].version;
    if (!Number.isSafeInteger(migration.version) || migration.version <= previous) {
      throw new StoreError('InvalidStoreArgument', `Migration versions must be strictly increasing integers (at "${migration.name}").`);
    }
  });
}
