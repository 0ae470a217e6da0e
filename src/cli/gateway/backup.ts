import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigSnapshot } from '../../config/snapshot.js';

/**
 * The gateway's last good snapshot on disk (`--backup DIR`), so a gateway that restarts
 * while the control plane is away can still serve ("fail static", as APIM's self-hosted
 * gateway does with its /apim/config backup). A snapshot holds secrets (named values,
 * certificate keys, signing keys), so the file is sealed: AES-256-GCM with a key derived
 * (HKDF-SHA256, random salt per file) from the gateway token, the only secret a gateway
 * has. The header (gateway, revision, time) is authenticated as AAD. Written atomically
 * (temp file, fsync, rename) with mode 0600, so a crash leaves the old file or the new
 * one, never half of either.
 *
 * A consequence of keying by the token: a backup written with one token cannot be read
 * with the next one; after a token rotation the gateway rewrites it on its first pull.
 */

export const BACKUP_FILE = 'gateway-snapshot.backup';
const FORMAT = 'portico-gateway-backup';
const VERSION = 1;
const HKDF_INFO = 'portico/gateway-backup/aes-256-gcm';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any real snapshot; a bigger file is not ours. */
const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

/** The backup exists but cannot be used; the message says why. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

interface SealedBackup {
  format: string;
  version: number;
  gatewayId: string;
  revision: number;
  savedAt: string;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

export interface OpenedBackup {
  snapshot: ConfigSnapshot;
  savedAt: string;
}

function keyFor(token: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), salt, HKDF_INFO, 32));
}

function aadOf(header: Pick<SealedBackup, 'format' | 'version' | 'gatewayId' | 'revision' | 'savedAt'>): Buffer {
  return Buffer.from(JSON.stringify([header.format, header.version, header.gatewayId, header.revision, header.savedAt]), 'utf8');
}

/** The sealed file's contents for a snapshot. */
export function sealBackup(snapshot: ConfigSnapshot, gatewayId: string, token: string, now = new Date()): string {
  const header = { format: FORMAT, version: VERSION, gatewayId, revision: snapshot.revision, savedAt: now.toISOString() };
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(token, salt), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadOf(header));
  const data = Buffer.concat([cipher.update(JSON.stringify(snapshot), 'utf8'), cipher.final()]);
  const sealed: SealedBackup = {
    ...header,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return JSON.stringify(sealed);
}

/** Opens what sealBackup wrote; throws BackupError saying what is wrong. */
export function openBackup(text: string, gatewayId: string, token: string): OpenedBackup {
  let sealed: SealedBackup;
  try {
    sealed = JSON.parse(text) as SealedBackup;
  } catch {
    throw new BackupError('it is not a Portico gateway backup (not JSON)');
  }
  if (typeof sealed !== 'object' || sealed === null || sealed.format !== FORMAT) throw new BackupError('it is not a Portico gateway backup');
  if (sealed.version !== VERSION) throw new BackupError(`it has format version ${String(sealed.version)}; this Portico reads version ${VERSION}`);
  if (sealed.gatewayId !== gatewayId) throw new BackupError(`it belongs to gateway '${String(sealed.gatewayId)}', not '${gatewayId}'`);
  const fields = [sealed.salt, sealed.iv, sealed.tag, sealed.data];
  if (!fields.every((field) => typeof field === 'string') || typeof sealed.revision !== 'number' || typeof sealed.savedAt !== 'string') {
    throw new BackupError('it is incomplete');
  }
  const [salt, iv, tag, data] = fields.map((field) => Buffer.from(field, 'base64'));
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(token, salt), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(sealed));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new BackupError('it cannot be decrypted with this token (it was written with another token, or it was altered)');
  }
  const snapshot = JSON.parse(plain) as ConfigSnapshot;
  if (snapshot.revision !== sealed.revision) throw new BackupError('its header and contents disagree');
  return { snapshot, savedAt: sealed.savedAt };
}

/** The backup folder of one gateway: reads at start, writes every accepted snapshot (one write at a time, newest wins). */
export class SnapshotBackup {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();
  private pending: ConfigSnapshot | undefined;

  constructor(
    readonly dir: string,
    private readonly gatewayId: string,
    private readonly token: string,
  ) {
    this.file = join(dir, BACKUP_FILE);
  }

  /** The saved snapshot; undefined when there is none yet; BackupError when it cannot be used. */
  async read(): Promise<OpenedBackup | undefined> {
    let text: string;
    try {
      const handle = await open(this.file, 'r');
      try {
        if ((await handle.stat()).size > MAX_BACKUP_BYTES) throw new BackupError(`it is larger than ${MAX_BACKUP_BYTES} bytes`);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (error instanceof BackupError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new BackupError(`it cannot be read (${code ?? String(error)})`);
    }
    return openBackup(text, this.gatewayId, this.token);
  }

  /**
   * Saves a snapshot. Calls are serialised; a save asked for while one runs replaces any
   * older pending one, so a burst of changes costs at most two writes.
   */
  save(snapshot: ConfigSnapshot): Promise<void> {
    this.pending = snapshot;
    const run = this.writing.then(async () => {
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined) await this.write(next);
    });
    // A failed write is the caller's to report; the next save still runs.
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async write(snapshot: ConfigSnapshot): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = join(this.dir, `.${BACKUP_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(sealBackup(snapshot, this.gatewayId, this.token), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
