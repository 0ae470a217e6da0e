/**
 * The HTTP client for send-request and send-one-way-request. Like the gateway's backend
 * pools, it refuses link-local and cloud metadata addresses (literal or resolved) unless
 * configured to allow them: a policy URL built from request data must not become an SSRF
 * relay to the metadata service.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';

const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');
const METADATA_HOSTS: ReadonlySet<string> = new Set(['metadata.google.internal']);

export function forbiddenHost(hostname: string): boolean {
  const host = (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname).toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return true;
  return forbiddenAddress(host);
}

function forbiddenAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed = addresses.filter((entry) => !forbiddenAddress(entry.address));
    if (allowed.length === 0) {
      return callback(Object.assign(new Error(`'${hostname}' resolves only to forbidden addresses`), { code: 'EFORBIDDENHOST' }), []);
    }
    if (options.all === true) return callback(null, allowed);
    return callback(null, allowed[0].address, allowed[0].family);
  });
}

export function createOutboundClient(allowLinkLocal: boolean): Dispatcher {
  return new Agent({
    keepAliveTimeout: 4_000,
    connections: 64,
    connect: { timeout: 10_000, ...(allowLinkLocal ? {} : { lookup: guardedLookup }) },
  });
}
