import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PorticoError } from '../model/errors.js';
import { DATABASE_FILE, openStore } from './open.js';

const temporaryDirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-open-'));
  temporaryDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function rejectionOf(promise: Promise<unknown>): Promise<PorticoError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PorticoError);
  return error as PorticoError;
}

describe('openStore', () => {
  it.each([undefined, '', 'sqlite:'])('opens portico.db in a new data folder for %j', async (databaseUrl) => {
    const dataDir = join(await freshDir(), 'data');
    const store = await openStore({ dataDir, databaseUrl });
    await store.transaction((tx) => tx.put({ kind: 'api', parent: '', id: 'echo', properties: {} }));
    await store.close();
    expect((await stat(join(dataDir, DATABASE_FILE))).isFile()).toBe(true);

    const reopened = await openStore({ dataDir, databaseUrl });
    expect(await reopened.get({ kind: 'api', parent: '', id: 'echo' })).toBeDefined();
    await reopened.close();
  });

  it('opens an explicit sqlite: path', async () => {
    const dir = await freshDir();
    const path = join(dir, 'elsewhere.db');
    const store = await openStore({ dataDir: join(dir, 'unused'), databaseUrl: `sqlite://${path}` });
    await store.close();
    expect((await stat(path)).isFile()).toBe(true);
  });

  it('says the PostgreSQL adapter is not available yet, without echoing the URL', async () => {
    const error = await rejectionOf(openStore({ dataDir: await freshDir(), databaseUrl: 'postgres://portico:hunter2@db/portico' }));
    expect(error.code).toBe('StoreUnavailable');
    expect(error.message).toMatch(/PostgreSQL.*not available yet/);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses other schemes, naming only the scheme', async () => {
    const error = await rejectionOf(openStore({ dataDir: await freshDir(), databaseUrl: 'mysql://root:hunter2@db/x' }));
    expect(error.code).toBe('StoreUnavailable');
    expect(error.message).toContain('"mysql"');
    expect(error.message).not.toContain('hunter2');
  });
});
