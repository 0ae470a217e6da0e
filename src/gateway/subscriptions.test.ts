import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { SnapshotSubscription } from '../config/snapshot.js';
import type { ErrorDetail } from '../model/errors.js';
import { digestSubscriptionKey } from '../model/key-digest.js';
import { SubscriptionIndex, compileSubscription } from './subscriptions.js';

// The real crypto, observed: the lookup must not re-compare the digest it just looked up.
const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(actual.timingSafeEqual);
  return { ...actual, timingSafeEqual };
});

const secret = randomBytes(32);

function subscription(id: string, primaryKey: string, secondaryKey: string): SnapshotSubscription {
  return {
    id,
    displayName: id,
    scope: '/apis',
    state: 'active',
    allowTracing: false,
    primaryKeyDigest: digestSubscriptionKey(secret, primaryKey),
    secondaryKeyDigest: digestSubscriptionKey(secret, secondaryKey),
  };
}

describe('SubscriptionIndex', () => {
  const index = new SubscriptionIndex(secret);
  const problems: ErrorDetail[] = [];
  const alice = compileSubscription(subscription('alice', 'alice-primary', 'alice-secondary'), {
    allApis: true,
    apiId: null,
    product: null,
  });
  index.add(alice, problems);

  it('finds a subscription by either key, and nothing for other keys', () => {
    expect(problems).toEqual([]);
    expect(index.size).toBe(2);
    expect(index.lookup('alice-primary')).toBe(alice);
    expect(index.lookup('alice-secondary')).toBe(alice);
    expect(index.lookup('alice-primar')).toBeNull();
    expect(index.lookup('')).toBeNull();
    expect(index.lookup('k'.repeat(257))).toBeNull();
  });

  it('remembers only keys that were found, so what clients send cannot grow it', () => {
    for (let i = 0; i < 1000; i++) expect(index.lookup(`guess-${i}`)).toBeNull();
    expect(index.lookup('alice-primary')).toBe(alice);
    expect(index.rememberedKeys).toBeLessThanOrEqual(index.size);
    expect(index.rememberedKeys).toBeGreaterThan(0);
  });

  it('does no second comparison after the digest lookup (it would compare a value with itself)', () => {
    timingSafeEqual.mockClear();
    expect(index.lookup('alice-primary')).toBe(alice);
    expect(timingSafeEqual).not.toHaveBeenCalled();
  });
});
