import { describe, expect, it } from 'vitest';
import { AddressList } from './address-list.js';

function loopbackList(): AddressList {
  const list = new AddressList();
  expect(list.addAddress('::1')).toBeNull();
  expect(list.addRange('127.0.0.0', '127.255.255.255')).toBeNull();
  return list;
}

describe('AddressList', () => {
  it('gives the same verdict when an address is asked again (remembered verdicts)', () => {
    const list = loopbackList();
    for (let round = 0; round < 3; round++) {
      expect(list.has('127.0.0.1')).toBe(true);
      expect(list.has('::1')).toBe(true);
      expect(list.has('10.0.0.1')).toBe(false);
      expect(list.has('not an address')).toBe(false);
    }
  });

  it('stays correct once more distinct callers were seen than it remembers', () => {
    const list = loopbackList();
    expect(list.has('10.0.0.1')).toBe(false);
    for (let i = 0; i < 5_000; i++) {
      const address = `127.0.${(i >> 8) & 255}.${i & 255}`;
      expect(list.has(address)).toBe(true);
    }
    expect(list.has('10.0.0.1')).toBe(false);
    expect(list.has('127.0.0.1')).toBe(true);
  });

  it('forgets remembered verdicts when an address is added', () => {
    const list = loopbackList();
    expect(list.has('192.0.2.5')).toBe(false);
    expect(list.addAddress('192.0.2.5')).toBeNull();
    expect(list.has('192.0.2.5')).toBe(true);
  });
});
