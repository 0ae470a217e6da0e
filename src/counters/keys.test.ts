import { describe, expect, it } from 'vitest';
import { ValidationError } from '../model/errors.js';
import { counterKey, counterKeyWithPrefix, MAX_STORED_KEY_LENGTH, storedKey } from './keys.js';

describe('counterKey', () => {
  it('joins parts with ":" and keeps plain parts readable', () => {
    expect(counterKey(['api', 'orders', 'rate-limit', '0', 'sub-1'])).toBe('api:orders:rate-limit:0:sub-1');
  });

  it('escapes separators so that different part lists never produce the same key', () => {
    const lists = [
      ['a:b', 'c'],
      ['a', 'b:c'],
      ['a%3Ab', 'c'],
      ['a', 'b', 'c'],
      ['a:b:c'],
      ['', 'a:b:c'],
      ['a:b:c', ''],
      ['a{b}', 'c'],
      ['a%7Bb%7D', 'c'],
    ];
    const keys = lists.map(counterKey);
    expect(new Set(keys).size).toBe(lists.length);
    expect(counterKey(['a:b', 'c'])).toBe('a%3Ab:c');
    expect(counterKey(['{x}'])).toBe('%7Bx%7D');
  });

  it('refuses an empty part list', () => {
    expect(() => counterKey([])).toThrow(ValidationError);
  });
});

describe('counterKeyWithPrefix', () => {
  it('makes the same keys as counterKey with the fixed parts escaped once', () => {
    const forKey = counterKeyWithPrefix(['rate-limit-by-key', 'instance', 'api:orders/inbound[1]']);
    for (const last of ['sub-1', 'a:b', '%{x}', '']) {
      expect(forKey(last)).toBe(counterKey(['rate-limit-by-key', 'instance', 'api:orders/inbound[1]', last]));
    }
    expect(counterKeyWithPrefix([])('a:b')).toBe(counterKey(['a:b']));
  });
});

describe('storedKey', () => {
  it('keeps short keys and digests long ones into a fixed length', () => {
    expect(storedKey('short')).toBe('short');
    const long = storedKey('x'.repeat(MAX_STORED_KEY_LENGTH + 1));
    expect(long).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    expect(storedKey('x'.repeat(MAX_STORED_KEY_LENGTH + 1))).toBe(long);
    expect(storedKey('y'.repeat(MAX_STORED_KEY_LENGTH + 1))).not.toBe(long);
  });

  it('refuses an empty key', () => {
    expect(() => storedKey('')).toThrow(ValidationError);
  });
});
