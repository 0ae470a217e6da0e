import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestSubscriptionKey } from '../model/key-digest.js';
import { PorticoError } from '../model/errors.js';
import { KEYRING_FILE, Keyring, MASTER_KEY_ENV } from './keyring.js';

const temporaryDirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-keyring-'));
  temporaryDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof PorticoError ? error.code : String(error);
  }
  return 'no error';
}

async function rejectionOf(promise: Promise<unknown>): Promise<PorticoError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PorticoError);
  return error as PorticoError;
}

const AAD = 'subscription/alice/primaryKey';

describe('Keyring encryption', () => {
  it('round-trips text and never repeats a ciphertext', async () => {
    const keyring = await Keyring.load({ env: {} });
    const secret = 'k3y-Ünïcødé-✓'.repeat(3);
    const first = keyring.encrypt(secret, AAD);
    const second = keyring.encrypt(secret, AAD);
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(keyring.decrypt(first, AAD)).toBe(secret);
    expect(keyring.decrypt(keyring.encrypt('', AAD), AAD)).toBe('');
  });

  it('refuses a token bound to another resource', async () => {
    const keyring = await Keyring.load({ env: {} });
    const token = keyring.encrypt('secret', AAD);
    expect(errorCode(() => keyring.decrypt(token, 'subscription/bob/primaryKey'))).toBe('SecretDecryptionFailed');
  });

  it('refuses tampered and malformed tokens', async () => {
    const keyring = await Keyring.load({ env: {} });
    const token = keyring.encrypt('a secret long enough to tamper with', AAD);
    const [version, iv, tag, ciphertext] = token.split('.');
    const flip = (part: string) => (part[3] === 'A' ? 'B' : 'A');
    const tampered = [
      [version, iv, tag, ciphertext.slice(0, 3) + flip(ciphertext) + ciphertext.slice(4)],
      [version, iv.slice(0, 3) + flip(iv) + iv.slice(4), tag, ciphertext],
      [version, iv, tag.slice(0, 3) + flip(tag) + tag.slice(4), ciphertext],
      [version, iv, tag, ciphertext.slice(0, -4)],
      ['v2', iv, tag, ciphertext],
      [version, iv, tag],
      [version, iv, tag, `${ciphertext}!`],
      [version, iv.slice(0, 8), tag, ciphertext],
    ].map((parts) => parts.join('.'));
    for (const candidate of [...tampered, '', 'garbage']) {
      expect(errorCode(() => keyring.decrypt(candidate, AAD)), candidate).toBe('SecretDecryptionFailed');
    }
  });

  it('derives a digest secret distinct from the master key and stable for one key', async () => {
    const masterKey = randomBytes(32);
    const env = { [MASTER_KEY_ENV]: masterKey.toString('base64') };
    const one = await Keyring.load({ env });
    const two = await Keyring.load({ env });
    expect(one.digestSecret).toHaveLength(32);
    expect(one.digestSecret.equals(masterKey)).toBe(false);
    expect(digestSubscriptionKey(one.digestSecret, 'key')).toBe(digestSubscriptionKey(two.digestSecret, 'key'));
    expect(two.decrypt(one.encrypt('shared', AAD), AAD)).toBe('shared');
  });

  it('gives ephemeral keyrings unrelated keys', async () => {
    const one = await Keyring.load({ env: {} });
    const two = await Keyring.load({ env: {} });
    expect(one.source).toBe('ephemeral');
    expect(one.digestSecret.equals(two.digestSecret)).toBe(false);
    expect(errorCode(() => two.decrypt(one.encrypt('x', AAD), AAD))).toBe('SecretDecryptionFailed');
  });
});

describe('Keyring key material', () => {
  it('creates keyring.json with mode 0600 on first use and reuses it', async () => {
    const dataDir = join(await freshDir(), 'nested', 'data');
    const first = await Keyring.load({ dataDir, env: {} });
    expect(first.source).toBe('file');
    const path = join(dataDir, KEYRING_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const content = JSON.parse(await readFile(path, 'utf8'));
    expect(content).toMatchObject({ version: 1 });
    expect(Buffer.from(content.masterKey, 'base64')).toHaveLength(32);
    expect(await readdir(dataDir)).toEqual([KEYRING_FILE]);

    const token = first.encrypt('persisted', AAD);
    const reloaded = await Keyring.load({ dataDir, env: {} });
    expect(reloaded.decrypt(token, AAD)).toBe('persisted');
    expect(reloaded.digestSecret.equals(first.digestSecret)).toBe(true);
  });

  it('agrees on one key when several processes create the file at once', async () => {
    const dataDir = await freshDir();
    const keyrings = await Promise.all(Array.from({ length: 8 }, () => Keyring.load({ dataDir, env: {} })));
    for (const keyring of keyrings) expect(keyring.digestSecret.equals(keyrings[0].digestSecret)).toBe(true);
    expect(await readdir(dataDir)).toEqual([KEYRING_FILE]);
  });

  it('gives keyrings from different files different keys', async () => {
    const one = await Keyring.load({ dataDir: await freshDir(), env: {} });
    const two = await Keyring.load({ dataDir: await freshDir(), env: {} });
    expect(one.digestSecret.equals(two.digestSecret)).toBe(false);
    expect(errorCode(() => two.decrypt(one.encrypt('x', AAD), AAD))).toBe('SecretDecryptionFailed');
  });

  it('prefers PORTICO_MASTER_KEY over the file and writes nothing', async () => {
    const dataDir = await freshDir();
    const env = { [MASTER_KEY_ENV]: ` ${randomBytes(32).toString('base64')}\n` };
    const fromEnv = await Keyring.load({ dataDir, env });
    expect(fromEnv.source).toBe('env');
    expect(await readdir(dataDir)).toEqual([]);
    const again = await Keyring.load({ env });
    expect(again.decrypt(fromEnv.encrypt('x', AAD), AAD)).toBe('x');
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), /exactly 32 bytes \(got 16 bytes\)/],
    ['33 bytes', randomBytes(33).toString('base64'), /got 33 bytes/],
    ['not base64', 'this is not a key!', /not base64/],
    ['empty', '', /set but empty/],
  ])('rejects a PORTICO_MASTER_KEY of %s without echoing it', async (_label, value, message) => {
    const error = await rejectionOf(Keyring.load({ env: { [MASTER_KEY_ENV]: value } }));
    expect(error.code).toBe('InvalidMasterKey');
    expect(error.message).toMatch(message);
    if (value !== '') expect(error.message).not.toContain(value);
  });

  it('rejects a damaged keyring.json instead of replacing it', async () => {
    const dataDir = await freshDir();
    const path = join(dataDir, KEYRING_FILE);
    for (const content of ['{"version":1,"masterKey":"c2hvcnQ="}', 'not json', '{"version":2,"masterKey":"x"}']) {
      await writeFile(path, content, { mode: 0o600 });
      const error = await rejectionOf(Keyring.load({ dataDir, env: {} }));
      expect(error.code).toBe('InvalidKeyringFile');
      expect(await readFile(path, 'utf8')).toBe(content);
    }
  });
});
