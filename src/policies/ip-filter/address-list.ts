/** Addresses and ranges for ip-filter, IPv4 and IPv6, matched with node's BlockList. */
import { BlockList, isIP } from 'node:net';

export class AddressList {
  private readonly list = new BlockList();

  /** Returns an error message, or null when added. */
  addAddress(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return `'${address}' is not an IPv4 or IPv6 address`;
    this.list.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
    return null;
  }

  addRange(from: string, to: string): string | null {
    const family = isIP(from);
    if (family === 0) return `'${from}' is not an IPv4 or IPv6 address`;
    if (isIP(to) !== family) return `'${to}' is not an address of the same family as '${from}'`;
    try {
      this.list.addRange(from, to, family === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return `the range ${from} – ${to} is empty ('from' is after 'to')`;
    }
    return null;
  }

  has(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
