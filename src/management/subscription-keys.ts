import { randomBytes } from 'node:crypto';
import { digestSubscriptionKey } from '../model/key-digest.js';
import type { StoredResource } from '../store/types.js';
import type { ManagementKeyring } from './rules/types.js';

/**
 * A subscription's keys at rest: each sealed with the keyring (AAD binds the token to
 * this subscription and slot) and digested with the keyring's HMAC secret. The gateway
 * only ever sees digests; GET never shows either; `listSecrets` opens the sealed ones.
 */
export type KeySlot = 'primaryKey' | 'secondaryKey';

export const KEY_SLOTS: readonly KeySlot[] = ['primaryKey', 'secondaryKey'];

/** Namespace of the store's uniqueness claims on key digests. */
export const SUBSCRIPTION_KEY_UNIQUE = 'subscriptionKey:';

/** 32 random bytes as hex: at least as strong as APIM's generated keys and header-safe. */
export function generateSubscriptionKey(): string {
  return randomBytes(32).toString('hex');
}

export function keyAad(subscriptionId: string, slot: KeySlot): string {
  return `subscription/${subscriptionId}/${slot}`;
}

export function digestField(slot: KeySlot): string {
  return `${slot}Digest`;
}

export interface SealedKeys {
  secrets: Record<string, string>;
  uniques: string[];
}

/**
 * Seals both keys. A key equal to the one already stored keeps its existing token, so
 * re-applying the same configuration does not rewrite (and re-version) the resource.
 */
export function sealKeys(
  keyring: ManagementKeyring,
  subscriptionId: string,
  keys: Record<KeySlot, string>,
  existing: StoredResource | undefined,
): SealedKeys {
  const secrets: Record<string, string> = {};
  const uniques: string[] = [];
  for (const slot of KEY_SLOTS) {
    const digest = digestSubscriptionKey(keyring.digestSecret, keys[slot]);
    const reuse = existing?.secrets[digestField(slot)] === digest ? existing.secrets[slot] : undefined;
    secrets[slot] = reuse ?? keyring.encrypt(keys[slot], keyAad(subscriptionId, slot));
    secrets[digestField(slot)] = digest;
    uniques.push(`${SUBSCRIPTION_KEY_UNIQUE}${digest}`);
  }
  return { secrets, uniques };
}

export function openKey(keyring: ManagementKeyring, stored: StoredResource, slot: KeySlot): string {
  return keyring.decrypt(stored.secrets[slot], keyAad(stored.id, slot));
}
