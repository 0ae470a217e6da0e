/**
 * validate-client-certificate and `context.Request.Certificate` through the real gateway
 * on its HTTPS listener and a real upstream, over real TLS with certificates made at test
 * time: good, missing, expired, not yet valid, from another CA, through an intermediate,
 * and every kind of identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import { issueCertificate, issueTestPki, type Issued } from '../helpers/certificates.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { StaticSnapshotSource } from '../helpers/static-snapshot-source.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { makeCrl } from '../helpers/crl.js';
import { httpsCall } from '../helpers/tls-client.js';
import { inbound, operationPolicy, sharedEngine, startPolicyGateway, withPolicies } from './harness.js';

const pki = issueTestPki();
const { ca, client } = pki;
const otherCa = issueCertificate({ commonName: 'Other CA', kind: 'ca', validDays: 365 });
const stranger = issueCertificate({ commonName: 'test-client', organization: 'Portico Tests', kind: 'client' }, otherCa);
const expired = issueCertificate({ commonName: 'expired', kind: 'client', notBeforeDaysAgo: 30, validDays: -1 }, ca);
const notYetValid = issueCertificate({ commonName: 'early', kind: 'client', notBeforeDaysAgo: -2, validDays: 30 }, ca);
const colleague = issueCertificate({ commonName: 'colleague', kind: 'client', altNames: ['colleague.example.com'], serial: '0a1b2c3d' }, ca);
const intermediate = issueCertificate({ commonName: 'Portico Intermediate CA', kind: 'ca', validDays: 100 }, ca);
const viaIntermediate = issueCertificate({ commonName: 'far-client', kind: 'client' }, intermediate);
/** The leaf followed by its issuer: what a client sends when its CA is an intermediate. */
const chained: Pick<Issued, 'cert' | 'key'> = { cert: viaIntermediate.cert + intermediate.cert, key: viaIntermediate.key };

const INVALID = { statusCode: 401, message: 'Invalid client certificate.' };

/** operation name → inbound policies */
const OPERATIONS: Record<string, string> = {
  basic: '<validate-client-certificate />',
  thumbprint: `<validate-client-certificate><identities><identity thumbprint="${spaced(client.thumbprint.toLowerCase())}" /></identities></validate-client-certificate>`,
  subject: '<validate-client-certificate><identities><identity subject="O=Portico Tests, CN=test-client" /></identities></validate-client-certificate>',
  'subject-rfc': '<validate-client-certificate><identities><identity subject="CN=test-client,O=Portico Tests" /></identities></validate-client-certificate>',
  issuer: '<validate-client-certificate><identities><identity issuer-subject="CN=Portico Test CA" common-name="test-client" /></identities></validate-client-certificate>',
  'issuer-thumbprint': `<validate-client-certificate><identities><identity issuer-thumbprint="${ca.thumbprint}" /></identities></validate-client-certificate>`,
  'any-of': `<validate-client-certificate><identities>
      <identity common-name="nobody" />
      <identity dns-name="colleague.example.com" serial-number="0A1B2C3D" />
    </identities></validate-client-certificate>`,
  'no-dates': '<validate-client-certificate validate-not-before="false" validate-not-after="false" />',
  'untrusted-ok': `<validate-client-certificate validate-trust="false"><identities><identity thumbprint="${stranger.thumbprint}" /></identities></validate-client-certificate>`,
  ignore: '<validate-client-certificate ignore-error="true" validate-revocation="true" />',
  expression: `<set-header name="x-client-cert" exists-action="override"><value>@{
      var c = context.Request.Certificate;
      return c == null ? "none" : c.SubjectName.Name + "|" + c.IssuerName.Name + "|" + c.Thumbprint + "|" + c.SerialNumber + "|" + c.NotAfter.ToString("yyyy-MM-dd") + "|" + c.Verify();
    }</value></set-header>`,
  reason: `<validate-client-certificate />`,
};

/** The reason operation reports LastError.Reason instead of APIM's body. */
const REASON_DOCUMENT = `<policies><inbound><base />${OPERATIONS.reason}</inbound><backend><base /></backend><outbound><base /></outbound>
  <on-error><return-response><set-status code="401" /><set-body>@(context.LastError.Reason)</set-body></return-response></on-error></policies>`;

function spaced(hex: string): string {
  return hex.replace(/(..)/g, '$1 ').trim();
}

describe('validate-client-certificate over HTTPS', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayServer;
  let base: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const engine: PolicyEngine = await sharedEngine();
    const builder = new SnapshotBuilder().api('mtls', { path: 'mtls', serviceUrl: upstream.url, subscriptionRequired: false });
    for (const name of Object.keys(OPERATIONS)) builder.operation('mtls', name, 'GET', `/${name}`);
    const snapshot = withPolicies(builder.build(), {
      policies: Object.entries(OPERATIONS).map(([name, policies]) =>
        operationPolicy('mtls', name, name === 'reason' ? REASON_DOCUMENT : inbound(policies)),
      ),
    });
    gateway = createGatewayServer({ policies: engine.compile, tls: { cert: pki.server.cert, key: pki.server.key, clientCa: ca.cert } });
    gateway.attach(new StaticSnapshotSource(snapshot));
    const { port } = await gateway.listen(0, '127.0.0.1');
    base = `https://127.0.0.1:${port}/mtls`;
  });
  afterAll(async () => {
    await gateway.close({ drainMs: 1_000 });
    await upstream.close();
  });

  const call = (operation: string, presented?: Pick<Issued, 'cert' | 'key'>): ReturnType<typeof httpsCall> =>
    httpsCall(`${base}/${operation}`, { ca: ca.cert, client: presented });

  it('lets a certificate from the client CA through', async () => {
    const response = await call('basic', client);
    expect(response.statusCode).toBe(200);
  });

  it('trusts a certificate that chains to the client CA through an intermediate the client sends', async () => {
    expect((await call('basic', chained)).statusCode).toBe(200);
  });

  it.each([
    ['no certificate', undefined],
    ['an expired certificate', expired],
    ['a certificate not valid yet', notYetValid],
    ['a certificate from another CA', stranger],
    ['an intermediate-issued certificate sent without its intermediate', viaIntermediate],
  ])('refuses %s with 401 "Invalid client certificate."', async (_case, presented) => {
    const response = await call('basic', presented);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(INVALID);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['no certificate', undefined, 'ClientCertificateMissing'],
    ['an expired certificate', expired, 'ClientCertificateExpired'],
    ['a certificate not valid yet', notYetValid, 'ClientCertificateNotYetValid'],
    ['a certificate from another CA', stranger, 'ClientCertificateNotTrusted'],
  ])('tells on-error why it refused %s', async (_case, presented, reason) => {
    const response = await call('reason', presented);
    expect(response.statusCode).toBe(401);
    expect(response.text).toBe(reason);
  });

  it('matches a thumbprint written in lower case with spaces', async () => {
    expect((await call('thumbprint', client)).statusCode).toBe(200);
    const refused = await call('thumbprint', colleague);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual(INVALID);
  });

  it.each(['subject', 'subject-rfc'])('matches the subject whichever order its RDNs are written in (%s)', async (operation) => {
    expect((await call(operation, client)).statusCode).toBe(200);
    expect((await call(operation, colleague)).statusCode).toBe(401);
    // Same subject, but the other CA: trust still applies.
    expect((await call(operation, stranger)).statusCode).toBe(401);
  });

  it('matches issuer-subject and common-name together', async () => {
    expect((await call('issuer', client)).statusCode).toBe(200);
    expect((await call('issuer', colleague)).statusCode).toBe(401);
  });

  it('matches the issuer thumbprint, from the client CA or an intermediate', async () => {
    expect((await call('issuer-thumbprint', client)).statusCode).toBe(200);
    expect((await call('issuer-thumbprint', chained)).statusCode).toBe(401);
  });

  it('passes when any identity matches (dns-name and serial-number)', async () => {
    expect((await call('any-of', colleague)).statusCode).toBe(200);
    expect((await call('any-of', client)).statusCode).toBe(401);
  });

  it('skips the validity period when told to', async () => {
    expect((await call('no-dates', expired)).statusCode).toBe(200);
    expect((await call('no-dates', notYetValid)).statusCode).toBe(200);
    expect((await call('no-dates', stranger)).statusCode).toBe(401);
  });

  it('accepts an untrusted certificate by identity with validate-trust="false"', async () => {
    expect((await call('untrusted-ok', stranger)).statusCode).toBe(200);
    expect((await call('untrusted-ok', client)).statusCode).toBe(401);
  });

  it('lets failures through with ignore-error="true"', async () => {
    expect((await call('ignore')).statusCode).toBe(200);
    expect((await call('ignore', stranger)).statusCode).toBe(200);
  });

  it('puts context.Request.Certificate into a header the upstream receives', async () => {
    const response = await call('expression', client);
    expect(response.statusCode).toBe(200);
    const header = response.json<{ headers: Record<string, string> }>().headers['x-client-cert'];
    const x509 = new X509Certificate(client.cert);
    const notAfter = new Date(x509.validTo).toISOString().slice(0, 10);
    const serial = /^[89A-F]/.test(x509.serialNumber) ? `00${x509.serialNumber}` : x509.serialNumber;
    expect(header).toBe(`O=Portico Tests, CN=test-client|CN=Portico Test CA|${client.thumbprint}|${serial}|${notAfter}|True`);
  });

  it('reports Verify() false for an expired or foreign certificate, and null without one', async () => {
    const header = async (presented?: Pick<Issued, 'cert' | 'key'>): Promise<string> =>
      (await call('expression', presented)).json<{ headers: Record<string, string> }>().headers['x-client-cert'];
    expect(await header(expired)).toMatch(/\|False$/);
    expect(await header(stranger)).toMatch(/\|False$/);
    expect(await header(chained)).toMatch(/^CN=far-client\|CN=Portico Intermediate CA\|.*\|True$/);
    expect(await header()).toBe('none');
  });
});

describe('validate-client-certificate on a plain HTTP listener', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const snapshot = new SnapshotBuilder()
      .api('mtls', { path: 'mtls', serviceUrl: upstream.url, subscriptionRequired: false })
      .operation('mtls', 'basic', 'GET', '/basic')
      .build();
    gw = await startPolicyGateway(withPolicies(snapshot, { policies: [operationPolicy('mtls', 'basic', inbound(OPERATIONS.basic))] }));
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it('refuses every request: there is no certificate without TLS', async () => {
    const response = await gw.request('/mtls/basic');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(INVALID);
  });
});

describe('a listener that asks for certificates without a client CA', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayServer;
  let base: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const names = ['basic', 'untrusted-ok', 'expression'];
    const builder = new SnapshotBuilder().api('mtls', { path: 'mtls', serviceUrl: upstream.url, subscriptionRequired: false });
    for (const name of names) builder.operation('mtls', name, 'GET', `/${name}`);
    const snapshot = withPolicies(builder.build(), { policies: names.map((name) => operationPolicy('mtls', name, inbound(OPERATIONS[name]))) });
    const engine = await sharedEngine();
    gateway = createGatewayServer({ policies: engine.compile, tls: { cert: pki.server.cert, key: pki.server.key, requestClientCertificate: true } });
    gateway.attach(new StaticSnapshotSource(snapshot));
    const { port } = await gateway.listen(0, '127.0.0.1');
    base = `https://127.0.0.1:${port}/mtls`;
  });
  afterAll(async () => {
    await gateway.close({ drainMs: 1_000 });
    await upstream.close();
  });

  it('trusts nothing, but identities still work with validate-trust="false"', async () => {
    const call = (operation: string, presented: Pick<Issued, 'cert' | 'key'>): ReturnType<typeof httpsCall> =>
      httpsCall(`${base}/${operation}`, { ca: ca.cert, client: presented });
    expect((await call('basic', client)).statusCode).toBe(401);
    expect((await call('untrusted-ok', stranger)).statusCode).toBe(200);
    const echo = (await call('expression', stranger)).json<{ headers: Record<string, string> }>();
    expect(echo.headers['x-client-cert']).toMatch(/^O=Portico Tests, CN=test-client\|CN=Other CA\|.*\|False$/);
  });
});

describe('a listener with the client CA revocation list (--tls-client-crl)', () => {
  const revokedClient = issueCertificate({ commonName: 'revoked-client', kind: 'client' }, ca);
  let upstream: EchoUpstream;
  let gateway: GatewayServer;
  let base: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const documents: Record<string, string> = {
      basic: OPERATIONS.basic,
      'no-revocation': '<validate-client-certificate validate-revocation="false" />',
      reason: OPERATIONS.reason,
    };
    const builder = new SnapshotBuilder().api('mtls', { path: 'mtls', serviceUrl: upstream.url, subscriptionRequired: false });
    for (const name of Object.keys(documents)) builder.operation('mtls', name, 'GET', `/${name}`);
    const snapshot = withPolicies(builder.build(), {
      policies: Object.entries(documents).map(([name, policies]) => operationPolicy('mtls', name, name === 'reason' ? REASON_DOCUMENT : inbound(policies))),
    });
    const engine = await sharedEngine();
    const clientCrl = await makeCrl(ca, [revokedClient]);
    gateway = createGatewayServer({ policies: engine.compile, tls: { cert: pki.server.cert, key: pki.server.key, clientCa: ca.cert, clientCrl } });
    gateway.attach(new StaticSnapshotSource(snapshot));
    const { port } = await gateway.listen(0, '127.0.0.1');
    base = `https://127.0.0.1:${port}/mtls`;
  });
  afterAll(async () => {
    await gateway.close({ drainMs: 1_000 });
    await upstream.close();
  });

  const call = (operation: string, presented: Pick<Issued, 'cert' | 'key'>): ReturnType<typeof httpsCall> =>
    httpsCall(`${base}/${operation}`, { ca: ca.cert, client: presented });

  it('refuses a revoked certificate and lets the others through', async () => {
    const refused = await call('basic', revokedClient);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual(INVALID);
    expect((await call('reason', revokedClient)).text).toBe('ClientCertificateRevoked');
    expect((await call('basic', client)).statusCode).toBe(200);
  });

  it('lets a revoked certificate through with validate-revocation="false"', async () => {
    expect((await call('no-revocation', revokedClient)).statusCode).toBe(200);
  });
});
