/**
 * Backend TLS through the real gateway, over real TLS with certificates made at test time:
 * mutual TLS to an upstream that requires a client certificate (backend credentials),
 * custom CAs, chain and name validation, and one pool per TLS identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot, SnapshotBackend } from '../../src/config/snapshot.js';
import { issueCertificate, issueTestPki, type Issued } from '../helpers/certificates.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import { snapshotCertificate, startTlsUpstream, type TlsUpstream, type TlsUpstreamAnswer } from '../helpers/tls-upstream.js';

const KEY = 'tls-key';

let pki: { ca: Issued; server: Issued; client: Issued };
let otherClient: Issued;
let wrongName: Issued;
/** Requires a client certificate from the test CA. */
let mtls: TlsUpstream;
/** Serves a certificate from the test CA (not a public root); no client certificate needed. */
let privateCa: TlsUpstream;
/** Serves a certificate from the test CA for another host name. */
let misnamed: TlsUpstream;
let gw: TestGateway;

/** One API per backend, at /{backendId}. */
function snapshotWith(backends: Record<string, { url: string } & Partial<SnapshotBackend>>): ConfigSnapshot {
  const builder = new SnapshotBuilder().subscription('s', { scope: '/apis', primaryKey: KEY });
  for (const [id, { url, ...props }] of Object.entries(backends)) {
    builder.backend(id, url, props).api(id, { path: id, backendId: id }).operation(id, 'get', 'GET', '/hello');
  }
  return {
    ...builder.build(),
    certificates: [
      snapshotCertificate('client', pki.client),
      snapshotCertificate('other-client', otherClient),
      snapshotCertificate('ca', pki.ca, { withKey: false }),
    ],
  };
}

async function call(api: string): Promise<{ status: number; answer: TlsUpstreamAnswer | undefined }> {
  const response = await gw.request(`/${api}/hello`, { headers: { 'ocp-apim-subscription-key': KEY } });
  return { status: response.statusCode, answer: response.statusCode === 200 ? response.json<TlsUpstreamAnswer>() : undefined };
}

beforeAll(async () => {
  pki = issueTestPki();
  otherClient = issueCertificate({ commonName: 'second-client', kind: 'client' }, pki.ca);
  wrongName = issueCertificate({ commonName: 'elsewhere.example', kind: 'server', altNames: ['elsewhere.example'] }, pki.ca);
  [mtls, privateCa, misnamed] = await Promise.all([
    startTlsUpstream({ server: pki.server, requireClientCertFrom: pki.ca }),
    startTlsUpstream({ server: pki.server }),
    startTlsUpstream({ server: wrongName }),
  ]);
  gw = await startTestGateway(
    snapshotWith({
      'with-cert': { url: mtls.url, tls: { caCertificateIds: ['ca'] }, credentials: { certificateIds: ['client'] } },
      'with-other-cert': { url: mtls.url, tls: { caCertificateIds: ['ca'] }, credentials: { certificateIds: ['other-client'] } },
      'without-cert': { url: mtls.url, tls: { caCertificateIds: ['ca'] } },
      'untrusted': { url: privateCa.url },
      'trusted-ca': { url: privateCa.url, tls: { caCertificateIds: ['ca'] } },
      'no-chain-check': { url: privateCa.url, tls: { validateCertificateChain: false } },
      'misnamed': { url: misnamed.url, tls: { caCertificateIds: ['ca'] } },
      'misnamed-allowed': { url: misnamed.url, tls: { caCertificateIds: ['ca'], validateCertificateName: false } },
    }),
  );
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all([mtls?.close(), privateCa?.close(), misnamed?.close()]);
});

describe('mutual TLS to the backend (credentials.certificateIds)', () => {
  it('presents the client certificate: the upstream sees its CN', async () => {
    expect(await call('with-cert')).toEqual({
      status: 200,
      answer: { clientCn: 'test-client', authorization: null, url: '/hello', serverName: null, host: new URL(mtls.url).host },
    });
  });

  it('without a client certificate the upstream refuses the handshake: 502', async () => {
    expect((await call('without-cert')).status).toBe(502);
  });

  it('two backends on the same origin with different client certificates do not share connections', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await call('with-cert')).answer?.clientCn).toBe('test-client');
      expect((await call('with-other-cert')).answer?.clientCn).toBe('second-client');
    }
    const origins = gw.gateway.backendOrigins.filter((key) => key.startsWith(mtls.url));
    expect(new Set(origins).size).toBe(3);
  });
});

describe('backend certificate validation (tls)', () => {
  it('a certificate from a private CA is refused unless the CA is trusted or the chain is not checked', async () => {
    expect((await call('untrusted')).status).toBe(502);
    expect((await call('trusted-ca')).status).toBe(200);
    expect((await call('no-chain-check')).status).toBe(200);
  });

  it('a certificate for another name is refused unless validateCertificateName is false', async () => {
    expect((await call('misnamed')).status).toBe(502);
    expect((await call('misnamed-allowed')).status).toBe(200);
  });
});

describe('snapshot checks', () => {
  it('refuses a backend naming an unknown certificate, or a client certificate without a key', () => {
    const unknown = snapshotWith({ b: { url: mtls.url, credentials: { certificateIds: ['missing'] } } });
    expect(() => gw.gateway.apply(unknown)).toThrow(/backends\/b: certificate 'missing' does not exist/);
    const keyless = snapshotWith({ b: { url: mtls.url, credentials: { certificateIds: ['ca'] } } });
    expect(() => gw.gateway.apply(keyless)).toThrow(/certificate 'ca' has no private key/);
  });

  it('refuses a certificate whose key does not match it', () => {
    const broken = { ...snapshotWith({}), certificates: [{ ...snapshotCertificate('bad', pki.client), privateKey: otherClient.key }] };
    expect(() => gw.gateway.apply(broken)).toThrow(/certificates\/bad: the certificate or its key cannot be used/);
  });
});
