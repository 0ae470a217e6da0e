import { describe, expect, it } from 'vitest';
import { forbiddenBackendHostReason } from './address-policy.js';
import { BackendUrlError, backendRequestPath, compileBackendTarget } from './backend-target.js';

describe('backend address policy', () => {
  it.each(['169.254.169.254', '169.254.0.1', '[fe80::1]', '[FE80::abcd:1]', '[fd00:ec2::254]', 'metadata.google.internal', 'METADATA.google.internal.', '[::ffff:169.254.169.254]'])(
    'refuses %s',
    (host) => {
      expect(forbiddenBackendHostReason(host)).not.toBeNull();
    },
  );

  it.each(['127.0.0.1', '10.0.0.5', 'orders.shop.svc.cluster.local', '[::1]', '[fd00:ec2::253]', '169.255.0.1'])('allows %s', (host) => {
    expect(forbiddenBackendHostReason(host)).toBeNull();
  });

  it('refuses such backend URLs unless allowed, including odd IPv4 spellings', () => {
    expect(() => compileBackendTarget('http://169.254.169.254/latest', { allowLinkLocalBackends: false })).toThrow(BackendUrlError);
    // WHATWG URL parsing turns 0xA9FEA9FE into 169.254.169.254 before the check.
    expect(() => compileBackendTarget('http://0xA9FEA9FE/', { allowLinkLocalBackends: false })).toThrow(/link-local/);
    expect(compileBackendTarget('http://169.254.169.254/', { allowLinkLocalBackends: true }).origin).toBe('http://169.254.169.254');
  });

  it('refuses non-http schemes, credentials and queries', () => {
    const opts = { allowLinkLocalBackends: false };
    expect(() => compileBackendTarget('ftp://x/', opts)).toThrow(/only http/);
    expect(() => compileBackendTarget('http://u:p@x/', opts)).toThrow(/credentials/);
    expect(() => compileBackendTarget('http://x/?a=1', opts)).toThrow(/query/);
    expect(() => compileBackendTarget('not a url', opts)).toThrow(/not a valid/);
  });
});

describe('backendRequestPath', () => {
  const opts = { allowLinkLocalBackends: false };
  it('appends the path after the API path and the query to the base URL, as APIM does', () => {
    const target = compileBackendTarget('http://h:81/v1/', opts);
    expect(backendRequestPath(target, '/items/5', 'a=1')).toBe('/v1/items/5?a=1');
    expect(backendRequestPath(target, '', '')).toBe('/v1');
    const bare = compileBackendTarget('http://h', opts);
    expect(backendRequestPath(bare, '', '')).toBe('/');
    expect(backendRequestPath(bare, '/', 'x')).toBe('/?x');
  });
});
