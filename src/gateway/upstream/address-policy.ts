import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

/**
 * Backends must not reach link-local or cloud metadata addresses unless configured to:
 * a backend URL pointing there turns the gateway into a credential-theft SSRF relay.
 * Checked at snapshot compile time for literal hosts and again at connect time for
 * names (a DNS name can resolve to 169.254.169.254).
 */
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');

const METADATA_HOST_NAMES: ReadonlySet<string> = new Set(['metadata.google.internal']);

/** Null when the host is allowed; otherwise a short description of what it is. */
export function forbiddenBackendHostReason(hostname: string): string | null {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOST_NAMES.has(lower)) return 'a cloud metadata host name';
  return forbiddenAddressReason(lower);
}

export function forbiddenAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  // BlockList also matches IPv4-mapped IPv6 (::ffff:169.254.169.254) against the IPv4 rules.
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6') ? 'a link-local or metadata address' : null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` for the upstream connector that refuses forbidden resolved addresses. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed = addresses.filter((entry) => forbiddenAddressReason(entry.address) === null);
    if (allowed.length === 0) {
      const refused = Object.assign(new Error(`Backend host '${hostname}' resolves only to forbidden addresses.`), {
        code: 'EBACKENDFORBIDDEN',
      });
      return callback(refused, []);
    }
    if (options.all === true) return callback(null, allowed);
    return callback(null, allowed[0].address, allowed[0].family);
  });
}
