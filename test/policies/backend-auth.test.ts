/**
 * authentication-basic and authentication-certificate through the real gateway and the
 * real policy engine, against a real HTTPS upstream that requires a client certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigSnapshot, SnapshotNamedValue } from '../../src/config/snapshot.js';
import { compileRuntime } from '../../src/gateway/runtime.js';
import { issueCertificate, issueTestPki, type Issued } from '../helpers/certificates.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { snapshotCertificate, startTlsUpstream, type TlsUpstream, type TlsUpstreamAnswer } from '../helpers/tls-upstream.js';
import { inbound, operationPolicy, sharedEngine, startPolicyGateway, withPolicies } from './harness.js';

const KEY = 'auth-key';

let pki: { ca: Issued; server: Issued; client: Issued };
let otherClient: Issued;
let upstream: TlsUpstream;
let gw: TestGateway;

const NAMED: SnapshotNamedValue[] = [{ id: 'backend-password', displayName: 'backend-password', value: 's3cr:et', secret: true }];

/** The mTLS backend (trusting the test CA, no client certificate of its own) and one operation per policy. */
function snapshotWith(policies: Record<string, string>): ConfigSnapshot {
  const builder = new SnapshotBuilder()
    .backend('ingress', upstream.url, { tls: { caCertificateIds: ['ca'] } })
    .api('svc', { path: 'svc', backendId: 'ingress' })
    .subscription('s', { scope: '/apis', primaryKey: KEY });
  for (const id of Object.keys(policies)) builder.operation('svc', id, 'GET', `/${id}`);
  const snapshot = {
    ...builder.build(),
    certificates: [
      snapshotCertificate('client', pki.client),
      snapshotCertificate('other-client', otherClient),
      snapshotCertificate('ca', pki.ca, { withKey: false }),
    ],
  };
  return withPolicies(snapshot, {
    namedValues: NAMED,
    policies: Object.entries(policies).map(([id, xml]) => operationPolicy('svc', id, inbound(xml))),
  });
}

async function call(operation: string, headers: Record<string, string> = {}): Promise<{ status: number; answer?: TlsUpstreamAnswer }> {
  const response = await gw.request(`/svc/${operation}`, { headers: { 'ocp-apim-subscription-key': KEY, ...headers } });
  return { status: response.statusCode, answer: response.statusCode === 200 ? response.json<TlsUpstreamAnswer>() : undefined };
}

const hostHeader = (value: string) => `<set-header name="Host" exists-action="override"><value>${value}</value></set-header>`;

async function compileProblem(xml: string): Promise<string> {
  const engine = await sharedEngine();
  try {
    compileRuntime(snapshotWith({ op: xml }), { policies: engine.compile });
  } catch (error) {
    return (error as Error).message;
  }
  return 'compiled';
}

beforeAll(async () => {
  pki = issueTestPki();
  otherClient = issueCertificate({ commonName: 'second-client', kind: 'client' }, pki.ca);
  upstream = await startTlsUpstream({ server: pki.server, requireClientCertFrom: pki.ca });
  gw = await startPolicyGateway(
    snapshotWith({
      none: '',
      'by-id': '<authentication-certificate certificate-id="client" />',
      'by-thumbprint': `<authentication-certificate thumbprint="${pki.client.thumbprint.toLowerCase()}" />`,
      'by-expression': '<authentication-certificate certificate-id="@(context.Request.Headers.GetValueOrDefault("x-cert", "client"))" />',
      basic: '<authentication-certificate certificate-id="client" /><authentication-basic username="svc-user" password="{{backend-password}}" />',
      'host-localhost': `<authentication-certificate certificate-id="client" />${hostHeader('localhost')}`,
      'host-elsewhere': `<authentication-certificate certificate-id="client" />${hostHeader('@(context.Request.Headers.GetValueOrDefault("x-host", "elsewhere.example"))')}`,
    }),
  );
}, 60_000);

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('a Host header set by a policy, over TLS', () => {
  it('is also the TLS server name: SNI names it, and the certificate is checked against it', async () => {
    // The backend URL is an IP address: no server name unless a policy names a host.
    expect((await call('by-id')).answer).toMatchObject({ serverName: null });
    const named = await call('host-localhost');
    expect(named).toMatchObject({ status: 200, answer: { serverName: 'localhost', host: 'localhost', clientCn: 'test-client' } });
    // The test certificate does not cover this name: the handshake is refused, as for a misnamed URL.
    expect((await call('host-elsewhere')).status).toBe(502);
    // The name of the address itself is no server name at all.
    expect(await call('host-elsewhere', { 'x-host': '127.0.0.1' })).toMatchObject({ status: 200, answer: { serverName: null } });
  });

  it('keeps connections apart by server name, and bounds how many names a policy can open', async () => {
    const origins = () => gw.gateway.backendOrigins.filter((key) => key.includes('#sni='));
    expect(origins().some((key) => key.endsWith('#sni=localhost'))).toBe(true);
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await call('host-elsewhere', { 'x-host': `n${i}.example` })).status);
    // Refused handshakes (the certificate names none of them), then the bound: 502 either way, no pool beyond it.
    expect(statuses.every((status) => status === 502)).toBe(true);
    expect(origins().length).toBeLessThanOrEqual(64 + 2);
  });
});

describe('authentication-certificate', () => {
  it('presents the certificate named by id: the upstream sees its CN', async () => {
    expect(await call('by-id')).toMatchObject({ status: 200, answer: { clientCn: 'test-client' } });
  });

  it('presents the certificate named by thumbprint (any case)', async () => {
    expect(await call('by-thumbprint')).toMatchObject({ status: 200, answer: { clientCn: 'test-client' } });
  });

  it('without the policy the upstream refuses the handshake: 502', async () => {
    expect((await call('none')).status).toBe(502);
  });

  it('an expression chooses the certificate per request; connections are not shared across identities', async () => {
    expect((await call('by-expression')).answer?.clientCn).toBe('test-client');
    expect((await call('by-expression', { 'x-cert': 'other-client' })).answer?.clientCn).toBe('second-client');
    expect((await call('by-expression')).answer?.clientCn).toBe('test-client');
    const unknown = await gw.request('/svc/by-expression', { headers: { 'ocp-apim-subscription-key': KEY, 'x-cert': 'nope' } });
    expect(unknown.statusCode).toBe(500);
    expect(unknown.text).not.toContain('nope');
  });

  it('an unknown certificate-id or thumbprint is refused when the snapshot compiles, naming it', async () => {
    expect(await compileProblem('<authentication-certificate certificate-id="missing-cert" />')).toMatch(/certificate 'missing-cert' does not exist/);
    expect(await compileProblem('<authentication-certificate thumbprint="ABCDEF" />')).toMatch(/thumbprint 'ABCDEF'/);
    expect(await compileProblem('<authentication-certificate certificate-id="ca" />')).toMatch(/certificate 'ca' has no private key/);
  });

  it('body/password (a PFX computed per request) and ambiguous forms are refused with a reason', async () => {
    expect(await compileProblem('<authentication-certificate body="@(new byte[0])" password="x" />')).toMatch(/'body'.*not supported.*certificate-id/);
    expect(await compileProblem('<authentication-certificate />')).toMatch(/exactly one of 'certificate-id' and 'thumbprint'/);
    expect(await compileProblem('<authentication-certificate certificate-id="client" thumbprint="AB" />')).toMatch(/exactly one/);
  });
});

describe('authentication-basic', () => {
  it('sends Authorization: Basic with the named value resolved, replacing the client’s', async () => {
    const { status, answer } = await call('basic', { authorization: 'Bearer client-token' });
    expect(status).toBe(200);
    expect(answer?.clientCn).toBe('test-client');
    expect(answer?.authorization).toBe(`Basic ${Buffer.from('svc-user:s3cr:et').toString('base64')}`);
  });

  it('requires username and password', async () => {
    expect(await compileProblem('<authentication-basic username="u" />')).toMatch(/password/);
  });
});
