import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../arguments.js';
import { resolveStartSettings } from './settings.js';

describe('resolveStartSettings', () => {
  it('uses DESIGN defaults when neither flags nor variables are set', () => {
    expect(resolveStartSettings({ noDemo: false }, {})).toEqual({
      dataDir: resolve('.portico'),
      gatewayPort: 8080,
      adminPort: 8081,
      host: '127.0.0.1',
      configFile: undefined,
      demo: true,
      drainMs: 10_000,
      databaseUrl: undefined,
      adminToken: undefined,
      policyModules: [],
      workers: 1,
    });
  });

  it('reads user policy modules from PORTICO_POLICY_MODULES, comma-separated', () => {
    expect(resolveStartSettings({ noDemo: false }, { PORTICO_POLICY_MODULES: ' ./a.js, ,pkg-policy ' }).policyModules).toEqual(['./a.js', 'pkg-policy']);
  });

  it('reads the environment, and lets flags win over it', () => {
    const env = { PORTICO_DATA_DIR: '/var/portico', PORTICO_GATEWAY_PORT: '9000', PORTICO_ADMIN_PORT: '9001', PORTICO_HOST: '0.0.0.0' };
    expect(resolveStartSettings({ noDemo: false }, env)).toMatchObject({ dataDir: '/var/portico', gatewayPort: 9000, adminPort: 9001, host: '0.0.0.0' });
    expect(resolveStartSettings({ noDemo: true, data: '/tmp/x', gatewayPort: '0', adminPort: '0', host: '::' }, env)).toMatchObject({
      dataDir: '/tmp/x',
      gatewayPort: 0,
      adminPort: 0,
      host: '::',
      demo: false,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(resolveStartSettings({ noDemo: false }, { PORTICO_ADMIN_TOKEN: '', PORTICO_GATEWAY_PORT: '' })).toMatchObject({
      adminToken: undefined,
      gatewayPort: 8080,
    });
  });

  it.each([
    [{ gatewayPort: '65536' }, {}, /--gateway-port must be a port number/],
    [{ adminPort: '-1' }, {}, /--admin-port must be a port number/],
    [{}, { PORTICO_ADMIN_PORT: '80a' }, /PORTICO_ADMIN_PORT must be a port number/],
    [{ drainMs: '1.5' }, {}, /--drain-ms must be a whole number/],
    [{ host: ' ' }, {}, /--host may not be empty/],
  ])('refuses bad values as usage errors: %o %o', (flags, env, message) => {
    expect(() => resolveStartSettings({ noDemo: false, ...flags }, env)).toThrow(UsageError);
    expect(() => resolveStartSettings({ noDemo: false, ...flags }, env)).toThrow(message);
  });

  it('takes the TLS files from flags over PORTICO_TLS_*, as absolute paths', () => {
    const env = { PORTICO_TLS_CERT: 'env.pem', PORTICO_TLS_KEY: 'env.key', PORTICO_TLS_CLIENT_CA: 'ca.pem' };
    expect(resolveStartSettings({ noDemo: false }, env).tls).toEqual({ certFile: resolve('env.pem'), keyFile: resolve('env.key'), clientCaFile: resolve('ca.pem') });
    expect(resolveStartSettings({ noDemo: false, tlsCert: '/x/gw.pem', tlsKey: '/x/gw.key' }, {}).tls).toEqual({ certFile: '/x/gw.pem', keyFile: '/x/gw.key' });
    expect(resolveStartSettings({ noDemo: false }, {}).tls).toBeUndefined();
    const withCrl = resolveStartSettings({ noDemo: false, tlsCert: '/x/gw.pem', tlsKey: '/x/gw.key', tlsClientCa: '/x/ca.pem' }, { PORTICO_TLS_CLIENT_CRL: '/x/ca.crl' });
    expect(withCrl.tls).toEqual({ certFile: '/x/gw.pem', keyFile: '/x/gw.key', clientCaFile: '/x/ca.pem', clientCrlFile: '/x/ca.crl' });
  });

  it.each([
    [{ tlsCert: 'a.pem' }, '--tls-cert needs --tls-key'],
    [{ tlsKey: 'a.key' }, '--tls-key needs --tls-cert'],
    [{ tlsClientCa: 'ca.pem' }, '--tls-client-ca needs --tls-cert and --tls-key'],
    [{ tlsCert: 'a.pem', tlsKey: 'a.key', tlsClientCrl: 'ca.crl' }, '--tls-client-crl needs --tls-client-ca'],
  ])('refuses incomplete TLS flags: %o', (flags, message) => {
    expect(() => resolveStartSettings({ noDemo: false, ...flags }, {})).toThrow(message);
  });
});
