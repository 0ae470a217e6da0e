import type { AddressInfo } from 'node:net';

/**
 * The address a client on this machine should use to reach a listener bound to `host`:
 * a wildcard bind is reachable on loopback, a specific one only on itself.
 */
export function reachableUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const name = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `${scheme}://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** Port of a bound server address; listeners are TCP so a pipe name never appears here. */
export function portOf(address: AddressInfo | string | null): number {
  if (address === null || typeof address === 'string') throw new Error(`listener is not bound to a TCP port: ${String(address)}`);
  return address.port;
}
