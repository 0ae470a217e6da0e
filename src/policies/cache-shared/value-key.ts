/** Store keys of `cache-*-value`: the key as written (a digest past 256 characters), in their own namespace. */
import { storedKey } from '../../counters/keys.js';

export function valueKey(key: string): string {
  return key === '' ? 'v:' : `v:${storedKey(key)}`;
}
