import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyMaterialError } from './errors.js';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_ENV = 'PORTICO_MASTER_KEY';
export const KEYRING_FILE = 'keyring.json';

interface KeyringFile {
  version: 1;
  /** base64 of MASTER_KEY_BYTES random bytes. */
  masterKey: string;
  createdAt: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses PORTICO_MASTER_KEY. The message never repeats the value: it is a secret. */
export function parseMasterKeyEnv(value: string): Buffer {
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new KeyMaterialError('InvalidMasterKey', `${MASTER_KEY_ENV} is set but empty; unset it or set it to \`openssl rand -base64 32\`.`);
  }
  const key = BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (key?.length !== MASTER_KEY_BYTES) {
    const got = key ? `${key.length} bytes` : 'not base64';
    throw new KeyMaterialError(
      'InvalidMasterKey',
      `${MASTER_KEY_ENV} must be the base64 of exactly ${MASTER_KEY_BYTES} bytes (got ${got}); generate one with \`openssl rand -base64 32\`.`,
    );
  }
  return key;
}

/** Reads `{dataDir}/keyring.json`, creating it with a fresh random key on first use. */
export async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, KEYRING_FILE);
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return createKeyFile(path);
}

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new KeyMaterialError('InvalidKeyringFile', `Cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyMaterialError('InvalidKeyringFile', `${path} is not valid JSON.`);
  }
  const key = isKeyringFile(parsed) ? Buffer.from(parsed.masterKey, 'base64') : undefined;
  if (key?.length !== MASTER_KEY_BYTES) {
    throw new KeyMaterialError('InvalidKeyringFile', `${path} does not hold a version 1 keyring with a ${MASTER_KEY_BYTES}-byte masterKey.`);
  }
  return key;
}

/**
 * Writes the new key to a private temp file, flushes it, then links it into place.
 * A crash leaves either no keyring or a complete one, never half a file; and unlike
 * rename, link refuses to replace a keyring another process created meanwhile, so
 * two processes starting together end up sharing one key.
 */
async function createKeyFile(path: string): Promise<Buffer> {
  const content: KeyringFile = {
    version: 1,
    masterKey: randomBytes(MASTER_KEY_BYTES).toString('base64'),
    createdAt: new Date().toISOString(),
  };
  const temp = `${path}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) {
      // File systems without hard links: fall back to the atomic rename.
      await rename(temp, path);
      return Buffer.from(content.masterKey, 'base64');
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  // Read back what is in place: ours, or the one a concurrent process linked first.
  const stored = await readKeyFile(path);
  if (!stored) throw new KeyMaterialError('InvalidKeyringFile', `${path} vanished while it was being created.`);
  return stored;
}

function isKeyringFile(value: unknown): value is KeyringFile {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record.version === 1 && typeof record.masterKey === 'string' && BASE64.test(record.masterKey);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
