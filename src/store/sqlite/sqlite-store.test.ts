import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PorticoError } from '../../model/errors.js';
import { describeStoreContract } from '../contract.js';
import { applyMigrations, MIGRATIONS, type Migration } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

const temporaryDirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-sqlite-'));
  temporaryDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describeStoreContract('sqlite (:memory:)', async () => SqliteStore.open({ path: ':memory:' }));
describeStoreContract('sqlite (file)', async () => SqliteStore.open({ path: join(await freshDir(), 'portico.db') }));

describe('SqliteStore on a file', () => {
  let path: string;
  beforeEach(async () => {
    path = join(await freshDir(), 'portico.db');
  });

  it('runs in WAL mode with synchronous=NORMAL, foreign keys on and a busy timeout', async () => {
    const store = SqliteStore.open({ path, busyTimeoutMs: 1234 });
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 1, foreignKeys: true, busyTimeoutMs: 1234 });
    await store.close();
    // WAL is recorded in the file itself, so any later connection sees it.
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('keeps data, secrets, claims and the revision across close and reopen', async () => {
    const first = SqliteStore.open({ path });
    const written = await first.transaction((tx) =>
      tx.put({ kind: 'subscription', parent: '', id: 'alice', properties: { scope: '/apis' }, secrets: { primaryKey: 'sealed' }, uniques: ['key:1'] }),
    );
    await first.close();

    const second = SqliteStore.open({ path });
    expect(await second.get({ kind: 'subscription', parent: '', id: 'alice' })).toEqual(written);
    expect(await second.revision()).toBe(1);
    await expect(
      second.transaction((tx) => tx.put({ kind: 'subscription', parent: '', id: 'bob', properties: {}, uniques: ['key:1'] })),
    ).rejects.toThrow(/owned by subscription alice/);
    await second.close();
  });

  it('sees commits made by another store on the same file', async () => {
    const one = SqliteStore.open({ path });
    const two = SqliteStore.open({ path });
    await one.transaction((tx) => tx.put({ kind: 'api', parent: '', id: 'echo', properties: {} }));
    expect(await two.get({ kind: 'api', parent: '', id: 'echo' })).toBeDefined();
    await two.transaction((tx) => tx.put({ kind: 'api', parent: '', id: 'other', properties: {} }));
    expect(await one.revision()).toBe(2);
    await one.close();
    await two.close();
  });

  it('applies migrations once and records them', async () => {
    await SqliteStore.open({ path }).close();
    await SqliteStore.open({ path }).close();
    const raw = new Database(path);
    const rows = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
    expect(applyMigrations(raw)).toEqual([]);
    raw.close();
  });

  it('refuses a database written by a newer schema', async () => {
    await SqliteStore.open({ path }).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '')").run();
    raw.close();
    const error: unknown = (() => {
      try {
        return SqliteStore.open({ path });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PorticoError);
    expect((error as PorticoError).code).toBe('StoreSchemaTooNew');
  });
});

describe('applyMigrations', () => {
  it('applies each migration in its own transaction: a failing one leaves the earlier ones applied', () => {
    const db = new Database(':memory:');
    const migrations: Migration[] = [
      { version: 1, name: 'good', sql: 'CREATE TABLE good (x)' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE half (x); INSERT INTO missing VALUES (1);' },
    ];
    expect(() => applyMigrations(db, migrations)).toThrow(/no such table: missing/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables).toEqual([{ name: 'good' }, { name: 'schema_migrations' }]);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
    expect(applyMigrations(db, migrations.slice(0, 1))).toEqual([]);
    db.close();
  });

  it('refuses migrations that are not in increasing order', () => {
    const db = new Database(':memory:');
    expect(() =>
      applyMigrations(db, [
        { version: 2, name: 'b', sql: '' },
        { version: 1, name: 'a', sql: '' },
      ]),
    ).toThrow(/strictly increasing/);
    db.close();
  });
});

describe('SqliteStore throwaway (:memory:)', () => {
  const throwawayDirs = async () => new Set((await readdir(tmpdir())).filter((name) => name.startsWith('portico-store-')));

  it('gives each store its own database and removes it on close', async () => {
    const before = await throwawayDirs();
    const one = SqliteStore.open({ path: ':memory:' });
    const two = SqliteStore.open({ path: ':memory:' });
    const created = [...(await throwawayDirs())].filter((name) => !before.has(name));
    expect(created).toHaveLength(2);
    expect(one.pragmas().journalMode).toBe('wal');
    await one.transaction((tx) => tx.put({ kind: 'api', parent: '', id: 'echo', properties: {} }));
    expect(await two.get({ kind: 'api', parent: '', id: 'echo' })).toBeUndefined();
    await one.close();
    await two.close();
    const left = await throwawayDirs();
    expect(created.filter((name) => left.has(name))).toEqual([]);
  });
});

describe('SqliteStore under a large transaction', () => {
  it('keeps serving committed reads while the transaction is open', async () => {
    const store = SqliteStore.open({ path: join(await freshDir(), 'portico.db') });
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const hasWritten = new Promise<void>((resolve) => (written = resolve));
    const big = 'x'.repeat(10_000);
    const running = store.transaction(async (tx) => {
      // Far more than SQLite's page cache, so pages spill before COMMIT: with a rollback
      // journal instead of WAL, the spill would lock the reader out.
      for (let index = 0; index < 3_000; index += 1) await tx.put({ kind: 'api', parent: '', id: `a${index}`, properties: { big } });
      written();
      await paused;
    });
    await hasWritten;
    expect((await store.list('api', { top: 1 })).total).toBe(0);
    release();
    await running;
    expect((await store.list('api', { top: 1 })).total).toBe(3_000);
    await store.close();
  });
});
