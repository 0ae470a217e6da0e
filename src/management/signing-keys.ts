import { createHash, generateKeyPairSync } from 'node:crypto';
import type { SnapshotSigningKey } from '../config/snapshot.js';
import type { SigningKeyProperties } from '../model/resources/index.js';
import {
  BACKEND_TOKEN_MAX_TTL_SECONDS,
  RETIRED_KEY_GRACE_SECONDS,
  SIGNING_KEY_ALG,
  type EcPublicJwk,
} from '../model/signing-keys.js';
import type { ResourceKey, StoredResource, StoreTx } from '../store/types.js';
import { listAll } from './rules/references.js';
import type { ManagementKeyring } from './rules/types.js';

/**
 * The gateways' token-signing keys (issue-backend-token). They live in the store so every
 * gateway replica signs with, and publishes, the same keys: one resource per key, the
 * public half in its properties, the private half sealed with the keyring in its secrets.
 *
 * There is always an 'active' key (signs) and a 'next' key (published, idle). Rotation
 * retires the active key, promotes 'next' and generates a new 'next'; because the promoted
 * key has been in the JWKS since the previous rotation, verifiers that cached the JWKS
 * already know it. A retired key stays published for the longest token lifetime plus a
 * grace period, then disappears; its private half is erased at retirement.
 */

/** How long a retired key stays in the JWKS, ms. */
export const RETIRED_KEY_PUBLISH_MS = (BACKEND_TOKEN_MAX_TTL_SECONDS + RETIRED_KEY_GRACE_SECONDS) * 1000;

const PRIVATE_SECRET = 'privateKey';

function keyOf(kid: string): ResourceKey {
  return { kind: 'signingKey', parent: '', id: kid };
}

function privateAad(kid: string): string {
  return `signingKey/${kid}/privateKey`;
}

function propertiesOf(stored: StoredResource): SigningKeyProperties {
  return stored.properties as SigningKeyProperties;
}

/** RFC 7638 thumbprint of a P-256 public JWK (SHA-256, base64url): a stable, content-derived `kid`. */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

async function createKey(tx: StoreTx, keyring: ManagementKeyring, status: 'next' | 'active', now: Date): Promise<StoredResource> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || typeof jwk.d !== 'string') {
    throw new Error('the generated EC key did not export as a JWK');
  }
  const publicJwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const kid = jwkThumbprint(publicJwk);
  const at = now.toISOString();
  const properties: SigningKeyProperties = { alg: SIGNING_KEY_ALG, status, publicJwk, createdAt: at, ...(status === 'active' ? { activatedAt: at } : {}) };
  return tx.put({ ...keyOf(kid), properties, secrets: { [PRIVATE_SECRET]: keyring.encrypt(jwk.d, privateAad(kid)) } });
}

async function setStatus(tx: StoreTx, stored: StoredResource, changes: Partial<SigningKeyProperties>, keepPrivate: boolean): Promise<StoredResource> {
  const secrets = keepPrivate ? stored.secrets : {};
  return tx.put({ ...keyOf(stored.id), properties: { ...propertiesOf(stored), ...changes }, secrets });
}

function byStatus(keys: readonly StoredResource[], status: SigningKeyProperties['status']): StoredResource[] {
  return keys.filter((key) => propertiesOf(key).status === status);
}

/**
 * Makes sure there is an active and a next key, creating what is missing. Runs inside a
 * store transaction (serialised; SQLite takes the write lock up front), so control planes
 * starting together end up with one set of keys. Returns true when it wrote something.
 */
export async function ensureSigningKeys(tx: StoreTx, keyring: ManagementKeyring, now: Date): Promise<boolean> {
  const keys = await listAll(tx, 'signingKey');
  let changed = false;
  let next = byStatus(keys, 'next');
  if (byStatus(keys, 'active').length === 0) {
    if (next.length > 0) {
      await setStatus(tx, next[0], { status: 'active', activatedAt: now.toISOString() }, true);
      next = next.slice(1);
    } else {
      await createKey(tx, keyring, 'active', now);
    }
    changed = true;
  }
  if (next.length === 0) {
    await createKey(tx, keyring, 'next', now);
    changed = true;
  }
  return changed;
}

/**
 * Rotation: the active key retires (published until now + the longest token lifetime +
 * grace), the next key starts signing, a new next key is generated, and retired keys
 * whose time is up are deleted. Returns the keys as they are afterwards.
 */
export async function rotateSigningKeys(tx: StoreTx, keyring: ManagementKeyring, now: Date): Promise<StoredResource[]> {
  const keys = await listAll(tx, 'signingKey');
  for (const key of byStatus(keys, 'retired')) {
    if (!isStillPublished(propertiesOf(key), now.getTime())) await tx.delete(keyOf(key.id));
  }
  const at = now.toISOString();
  const publishUntil = new Date(now.getTime() + RETIRED_KEY_PUBLISH_MS).toISOString();
  for (const key of byStatus(keys, 'active')) {
    // The private half is no longer needed: nothing signs with a retired key.
    await setStatus(tx, key, { status: 'retired', retiredAt: at, publishUntil }, false);
  }
  const [next] = byStatus(keys, 'next');
  if (next) await setStatus(tx, next, { status: 'active', activatedAt: at }, true);
  else await createKey(tx, keyring, 'active', now);
  await createKey(tx, keyring, 'next', now);
  return (await listAll(tx, 'signingKey')).sort(publishOrder);
}

function isStillPublished(p: SigningKeyProperties, nowMs: number): boolean {
  return p.status !== 'retired' || (p.publishUntil !== undefined && Date.parse(p.publishUntil) > nowMs);
}

const STATUS_ORDER: Record<SigningKeyProperties['status'], number> = { active: 0, next: 1, retired: 2 };

/** Active, next, then retired keys newest first. */
export function publishOrder(a: StoredResource, b: StoredResource): number {
  const pa = propertiesOf(a);
  const pb = propertiesOf(b);
  return STATUS_ORDER[pa.status] - STATUS_ORDER[pb.status] || (pb.retiredAt ?? '').localeCompare(pa.retiredAt ?? '');
}

/** The keys as a snapshot carries them: the private half (decrypted) on the active key only. */
export function snapshotSigningKeys(keys: readonly StoredResource[], keyring: ManagementKeyring, now: Date): SnapshotSigningKey[] {
  return keys
    .filter((key) => isStillPublished(propertiesOf(key), now.getTime()))
    .sort(publishOrder)
    .map((key) => {
      const p = propertiesOf(key);
      const entry: SnapshotSigningKey = { kid: key.id, alg: SIGNING_KEY_ALG, status: p.status, publicJwk: { ...p.publicJwk } };
      if (p.status === 'active') entry.privateD = keyring.decrypt(key.secrets[PRIVATE_SECRET], privateAad(key.id));
      if (p.publishUntil !== undefined) entry.publishUntil = p.publishUntil;
      return entry;
    });
}
