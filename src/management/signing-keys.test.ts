import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SigningKeyProperties } from '../model/resources/index.js';
import { Keyring } from '../store/keyring.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ManagementService } from './service.js';
import { ensureSigningKeys, jwkThumbprint, RETIRED_KEY_PUBLISH_MS, rotateSigningKeys, snapshotSigningKeys } from './signing-keys.js';

let store: SqliteStore;
let keyring: Keyring;

beforeEach(async () => {
  store = SqliteStore.open({ path: ':memory:' });
  keyring = await Keyring.load({ env: {} });
});

afterEach(async () => {
  await store.close();
});

async function statuses(): Promise<Record<string, string>> {
  const items = (await store.list('signingKey')).items;
  return Object.fromEntries(items.map((k) => [k.id, (k.properties as SigningKeyProperties).status]));
}

describe('signing keys', () => {
  it('ensure creates one active and one next key, once, and does not make the store "used"', async () => {
    const service = new ManagementService({ store, keyring });
    await service.ensureSigningKeys();
    await service.ensureSigningKeys();
    await Promise.all([service.ensureSigningKeys(), service.ensureSigningKeys()]);
    expect(Object.values(await statuses()).sort()).toEqual(['active', 'next']);
    expect(await store.revision()).toBe(1);
    expect(await service.isEmpty()).toBe(true);
  });

  it('names each key by its RFC 7638 thumbprint', async () => {
    await store.transaction((tx) => ensureSigningKeys(tx, keyring, new Date()));
    for (const key of (await store.list('signingKey')).items) {
      expect(key.id).toBe(jwkThumbprint((key.properties as SigningKeyProperties).publicJwk));
    }
    // The same as jose's (what verifiers and JWKS tooling compute).
    const { publicJwk } = (await store.list('signingKey')).items[0].properties as SigningKeyProperties;
    expect(jwkThumbprint(publicJwk)).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
  });

  it('rotation promotes next, retires active (erasing its private half), and drops retired keys after their time', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    await store.transaction((tx) => ensureSigningKeys(tx, keyring, t0));
    const first = await statuses();
    const active0 = Object.keys(first).find((id) => first[id] === 'active')!;
    const next0 = Object.keys(first).find((id) => first[id] === 'next')!;

    await store.transaction((tx) => rotateSigningKeys(tx, keyring, t0));
    const second = await statuses();
    expect(second[active0]).toBe('retired');
    expect(second[next0]).toBe('active');
    expect(Object.values(second).sort()).toEqual(['active', 'next', 'retired']);
    const retired = (await store.get({ kind: 'signingKey', parent: '', id: active0 }))!;
    expect(retired.secrets).toEqual({});
    expect(Date.parse((retired.properties as SigningKeyProperties).publishUntil!)).toBe(t0.getTime() + RETIRED_KEY_PUBLISH_MS);

    // A second rotation soon after keeps both retired keys: tokens of either may still be live.
    const t1 = new Date(t0.getTime() + 60_000);
    await store.transaction((tx) => rotateSigningKeys(tx, keyring, t1));
    expect(Object.values(await statuses()).sort()).toEqual(['active', 'next', 'retired', 'retired']);

    // Past the first one's publishUntil, the next rotation deletes it.
    const t2 = new Date(t0.getTime() + RETIRED_KEY_PUBLISH_MS + 1);
    await store.transaction((tx) => rotateSigningKeys(tx, keyring, t2));
    const third = await statuses();
    expect(third[active0]).toBeUndefined();
    expect(Object.values(third).sort()).toEqual(['active', 'next', 'retired', 'retired']);
  });

  it('snapshots carry the private half of the active key only, and no expired key', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    await store.transaction(async (tx) => {
      await ensureSigningKeys(tx, keyring, t0);
      await rotateSigningKeys(tx, keyring, t0);
    });
    const items = (await store.list('signingKey')).items;
    const now = snapshotSigningKeys(items, keyring, t0);
    expect(now.map((k) => k.status)).toEqual(['active', 'next', 'retired']);
    expect(now.map((k) => k.privateD !== undefined)).toEqual([true, false, false]);
    const later = snapshotSigningKeys(items, keyring, new Date(t0.getTime() + RETIRED_KEY_PUBLISH_MS));
    expect(later.map((k) => k.status)).toEqual(['active', 'next']);
  });

  it('refuses writes through the generic resource path', async () => {
    const service = new ManagementService({ store, keyring });
    const key = { kind: 'signingKey', parent: '', id: 'mine' } as const;
    await expect(service.put(key, {})).rejects.toMatchObject({ status: 400 });
    const planted = { alg: 'ES256', status: 'active', publicJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, createdAt: new Date().toISOString() };
    await expect(service.put(key, planted)).rejects.toMatchObject({ status: 405, code: 'SigningKeyReadOnly' });
    expect((await store.list('signingKey')).total).toBe(0);
  });
});
