import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SecretDecryptionError } from './errors.js';
import { loadOrCreateKeyFile, MASTER_KEY_BYTES, MASTER_KEY_ENV, parseMasterKeyEnv } from './master-key.js';

export { KEYRING_FILE, MASTER_KEY_ENV } from './master-key.js';

/** Where the master key came from; worth logging at startup (never the key itself). */
export type KeySource = 'env' | 'file' | 'ephemeral';

export interface KeyringLoadOptions {
  /** Data folder holding keyring.json; without it (tests) the key is ephemeral. */
  dataDir?: string;
  env: Readonly<Record<string, string | undefined>>;
}

const TOKEN_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// Fixed, public domain separation: each subkey is useless for the other's purpose,
// and a future key version can derive fresh subkeys from the same master.
const HKDF_SALT = 'portico/keyring/v1';
const ENCRYPTION_INFO = 'portico/secrets-at-rest/aes-256-gcm';
const DIGEST_INFO = 'portico/subscription-key-digest/hmac-sha256';

/**
 * Key material for secrets at rest. One master key (env, keyring.json, or ephemeral)
 * is never used directly: HKDF-SHA256 derives an AES-256-GCM key for sealing secrets
 * and a separate secret for subscription-key digests.
 */
export class Keyring {
  /** The HMAC secret for `digestSubscriptionKey` (src/model/key-digest.ts). */
  readonly digestSecret: Buffer;
  private readonly encryptionKey: Buffer;

  private constructor(
    masterKey: Buffer,
    readonly source: KeySource,
  ) {
    this.encryptionKey = derive(masterKey, ENCRYPTION_INFO);
    this.digestSecret = derive(masterKey, DIGEST_INFO);
  }

  /**
   * PORTICO_MASTER_KEY when set (validated), else `{dataDir}/keyring.json` (created
   * with mode 0600 on first use), else a random key that lives as long as the process.
   */
  static async load({ dataDir, env }: KeyringLoadOptions): Promise<Keyring> {
    const fromEnv = env[MASTER_KEY_ENV];
    if (fromEnv !== undefined) return new Keyring(parseMasterKeyEnv(fromEnv), 'env');
    if (dataDir !== undefined) return new Keyring(await loadOrCreateKeyFile(dataDir), 'file');
    return new Keyring(randomBytes(MASTER_KEY_BYTES), 'ephemeral');
  }

  /**
   * Seals `plaintext` as `v1.<iv>.<tag>.<ciphertext>` (base64url). `aad` names what the
   * secret belongs to (e.g. 'subscription/alice/primaryKey'), so a token copied onto
   * another resource fails to decrypt instead of lending it the key.
   */
  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [TOKEN_VERSION, iv, cipher.getAuthTag(), ciphertext].map(encodePart).join('.');
  }

  /** Opens a token from `encrypt` with the same `aad`; anything else throws SecretDecryptionError. */
  decrypt(token: string, aad: string): string {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== TOKEN_VERSION || !parts.every((part) => BASE64URL.test(part))) {
      throw new SecretDecryptionError();
    }
    const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError();
    }
  }
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, info, 32));
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}
