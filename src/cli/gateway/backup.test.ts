import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import { BACKUP_FILE, BackupError, openBackup, sealBackup, SnapshotBackup } from './backup.js';

const TOKEN = 'edge&20300101000000&c2lnbmF0dXJl';

function snapshot(revision: number): ConfigSnapshot {
  return {
    revision,
    createdAt: '2030-01-01T00:00:00.000Z',
    keyDigestSecret: 'c2VjcmV0',
    apis: [],
    operations: [],
    products: [],
    subscriptions: [],
    users: [],
    groups: [],
    backends: [],
    namedValues: [{ id: 'db-password', displayName: 'db-password', value: 'hunter2-top-secret', secret: true }],
    policies: [],
    policyFragments: [],
    apiVersionSets: [],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-backup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sealed backup', () => {
  it('round-trips a snapshot, with nothing of it readable in the file', () => {
    const sealed = sealBackup(snapshot(4), 'edge', TOKEN);
    expect(sealed).not.toContain('hunter2');
    expect(sealed).not.toContain('db-password');
    expect(openBackup(sealed, 'edge', TOKEN).snapshot).toEqual(snapshot(4));
  });

  it('refuses another token, another gateway, and any altered byte or header', () => {
    const sealed = sealBackup(snapshot(4), 'edge', TOKEN);
    expect(() => openBackup(sealed, 'edge', `${TOKEN}x`)).toThrow(/cannot be decrypted with this token/);
    expect(() => openBackup(sealed, 'other', TOKEN)).toThrow(/belongs to gateway 'edge', not 'other'/);

    const parsed = JSON.parse(sealed) as Record<string, string | number>;
    const data = Buffer.from(parsed.data as string, 'base64');
    data[data.length >> 1] ^= 1;
    expect(() => openBackup(JSON.stringify({ ...parsed, data: data.toString('base64') }), 'edge', TOKEN)).toThrow(BackupError);
    // The revision is authenticated: a replayed older file cannot pretend to be newer.
    expect(() => openBackup(JSON.stringify({ ...parsed, revision: 5 }), 'edge', TOKEN)).toThrow(/cannot be decrypted/);
    expect(() => openBackup('{"format":"something-else"}', 'edge', TOKEN)).toThrow(/not a Portico gateway backup/);
    expect(() => openBackup('garbage', 'edge', TOKEN)).toThrow(/not JSON/);
  });
});

describe('SnapshotBackup', () => {
  it('writes atomically with mode 0600, leaves no temporary file, and reads back the newest', async () => {
    const backup = new SnapshotBackup(join(dir, 'nested'), 'edge', TOKEN);
    expect(await backup.read()).toBeUndefined();
    await Promise.all([backup.save(snapshot(1)), backup.save(snapshot(2)), backup.save(snapshot(3))]);
    expect((await backup.read())?.snapshot.revision).toBe(3);
    expect((await stat(backup.file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'nested'))).toEqual([BACKUP_FILE]);
  });

  it('says why a damaged file cannot be used', async () => {
    const backup = new SnapshotBackup(dir, 'edge', TOKEN);
    await backup.save(snapshot(1));
    const sealed = JSON.parse(await readFile(backup.file, 'utf8')) as Record<string, unknown>;
    const tag = Buffer.from(sealed.tag as string, 'base64');
    tag[0] ^= 1;
    await writeFile(backup.file, JSON.stringify({ ...sealed, tag: tag.toString('base64') }));
    await expect(backup.read()).rejects.toThrow(/cannot be decrypted with this token/);
    await expect(new SnapshotBackup(dir, 'edge', 'another&token&x').read()).rejects.toThrow(BackupError);
  });
});
