import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewaySnapshotCheck } from '../src/cli/snapshot-check.js';
import { DeclarativeFileError } from '../src/config/declarative/issues.js';
import { parseDeclarativeText } from '../src/config/declarative/load.js';
import { createPolicyEngine } from '../src/policies/index.js';
import { issueCertificate, issueTestPki, toPfxBase64, type Issued } from './helpers/certificates.js';
import { ARM, startHarness, storeDump, type Harness } from './management-harness.js';

let pki: { ca: Issued; server: Issued; client: Issued };
beforeAll(() => {
  pki = issueTestPki();
});

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The base64 body of a PEM block: if it shows up anywhere, the secret leaked. */
function pemBody(pem: string): string {
  return pem.split('\n').slice(1, 4).join('');
}

async function dumpWithCertificates(): Promise<string> {
  return (await storeDump(h.store)) + JSON.stringify((await h.store.list('certificate')).items);
}

describe('certificates: upload', () => {
  it('PUT a PFX: GET shows subject, thumbprint and expiry, never the data, password or key', async () => {
    const data = toPfxBase64(pki.client, 'pfx-pass-1', [pki.ca]);
    const put = await h.call('PUT', '/certificates/client', { properties: { data, password: 'pfx-pass-1' } });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      name: 'client',
      type: 'Microsoft.ApiManagement/service/certificates',
      properties: { subject: 'CN=test-client, O=Portico Tests', thumbprint: pki.client.thumbprint },
    });

    const get = await h.call('GET', `${ARM}/certificates/client?api-version=2024-05-01`);
    expect(get.status).toBe(200);
    expect(Object.keys(get.body.properties).sort()).toEqual(['expirationDate', 'subject', 'thumbprint']);
    expect(new Date(get.body.properties.expirationDate).getTime()).toBeGreaterThan(Date.now());
    expect(get.headers.get('etag')).toBeTruthy();
    for (const secret of [data.slice(0, 40), 'pfx-pass-1', 'PRIVATE KEY', pemBody(pki.client.key)]) expect(get.text).not.toContain(secret);

    const list = await h.call('GET', '/certificates');
    expect(list.body.count).toBe(1);
    expect(list.text).not.toContain('pfx-pass-1');
  });

  it('PUT PEM (Portico extension): certificate + key, or a CA certificate alone', async () => {
    const pair = await h.call('PUT', '/certificates/client-pem', { properties: { data: pki.client.cert + pki.client.key } });
    expect(pair.status).toBe(201);
    expect(pair.body.properties.thumbprint).toBe(pki.client.thumbprint);
    const ca = await h.call('PUT', '/certificates/ca', { properties: { data: pki.ca.cert } });
    expect(ca.status).toBe(201);
    expect(ca.body.properties).toMatchObject({ subject: 'CN=Portico Test CA', thumbprint: pki.ca.thumbprint });
  });

  it('the key and certificate are stored encrypted; the snapshot carries them decrypted', async () => {
    await h.call('PUT', '/certificates/client', { properties: { data: toPfxBase64(pki.client, 'pw'), password: 'pw' } });
    const dump = await dumpWithCertificates();
    expect(dump).toContain(pki.client.thumbprint);
    for (const secret of ['PRIVATE KEY', 'BEGIN CERTIFICATE', pemBody(pki.client.key), pemBody(pki.client.cert)]) {
      expect(dump).not.toContain(secret);
    }
    const snapshot = await h.publisher.refresh();
    const [certificate] = snapshot?.certificates ?? [];
    expect(certificate).toMatchObject({ id: 'client', thumbprint: pki.client.thumbprint, subject: 'CN=test-client, O=Portico Tests' });
    expect(certificate.certificate).toContain('BEGIN CERTIFICATE');
    expect(certificate.privateKey).toContain('BEGIN PRIVATE KEY');
  });

  it('re-uploading the same certificate changes nothing', async () => {
    const body = { properties: { data: pki.client.cert + pki.client.key } };
    await h.call('PUT', '/certificates/client', body);
    const before = await dumpWithCertificates();
    const again = await h.call('PUT', '/certificates/client', body);
    expect(again.status).toBe(200);
    expect(await dumpWithCertificates()).toBe(before);
  });
});

describe('certificates: refusals', () => {
  it('a wrong PFX password is a 400 naming password, and nothing is stored', async () => {
    const before = await dumpWithCertificates();
    const reply = await h.call('PUT', '/certificates/c', { properties: { data: toPfxBase64(pki.client, 'right'), password: 'wrong' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([expect.objectContaining({ target: 'properties.password', code: 'InvalidCertificate' })]);
    expect(reply.text).not.toContain('wrong"');
    expect(await dumpWithCertificates()).toBe(before);
  });

  it('bad data is a 400 naming data', async () => {
    for (const data of ['not base64 at all!', Buffer.from('hello world, not a pfx').toString('base64'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']) {
      const reply = await h.call('PUT', '/certificates/c', { properties: { data } });
      expect(reply.status, data).toBe(400);
      expect(reply.body.error.details[0].target).toBe('properties.data');
    }
    const missing = await h.call('PUT', '/certificates/c', { properties: {} });
    expect(missing.body.error.details[0]).toMatchObject({ target: 'properties.data', code: 'RequiredField' });
  });

  it('a PEM key that does not belong to the certificate is refused', async () => {
    const other = issueCertificate({ commonName: 'other', kind: 'client' });
    const reply = await h.call('PUT', '/certificates/c', { properties: { data: pki.client.cert + other.key } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/does not belong/);
  });

  it('Key Vault certificates are refused: Portico has no Key Vault', async () => {
    const reply = await h.call('PUT', '/certificates/kv', { properties: { keyVault: { secretIdentifier: 'https://v.vault.azure.net/secrets/c' } } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0]).toMatchObject({ target: 'properties.keyVault', code: 'NotSupported' });
    expect(reply.body.error.message).toMatch(/no Key Vault/);
  });
});

describe('certificates and backends', () => {
  beforeEach(async () => {
    await h.call('PUT', '/certificates/client', { properties: { data: pki.client.cert + pki.client.key } });
    await h.call('PUT', '/certificates/ca', { properties: { data: pki.ca.cert } });
  });

  it('a backend names client and CA certificates; the snapshot carries the TLS settings', async () => {
    const put = await h.call('PUT', '/backends/secure', {
      properties: {
        url: 'https://127.0.0.1:8443',
        protocol: 'http',
        credentials: { certificateIds: ['/certificates/client'] },
        tls: { validateCertificateName: false, caCertificateIds: ['ca'] },
      },
    });
    expect(put.status).toBe(201);
    const snapshot = await h.publisher.refresh();
    expect(snapshot?.backends[0]).toMatchObject({
      id: 'secure',
      tls: { validateCertificateChain: true, validateCertificateName: false, caCertificateIds: ['ca'] },
      credentials: { certificateIds: ['client'] },
    });
  });

  it('unknown certificates, and client certificates without a key, are refused naming the field', async () => {
    const unknown = await h.call('PUT', '/backends/b', { properties: { url: 'https://x.example', credentials: { certificateIds: ['nope'] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]).toMatchObject({ target: 'properties.credentials.certificateIds[0]', code: 'ReferencedResourceNotFound' });
    const keyless = await h.call('PUT', '/backends/b', { properties: { url: 'https://x.example', credentials: { certificateIds: ['ca'] } } });
    expect(keyless.status).toBe(400);
    expect(keyless.body.error.details[0]).toMatchObject({ code: 'CertificateWithoutKey' });
    const unknownCa = await h.call('PUT', '/backends/b', { properties: { url: 'https://x.example', tls: { caCertificateIds: ['nope'] } } });
    expect(unknownCa.body.error.details[0].target).toBe('properties.tls.caCertificateIds[0]');
  });

  it('a certificate in use by a backend cannot be deleted', async () => {
    await h.call('PUT', '/backends/b', { properties: { url: 'https://x.example', tls: { caCertificateIds: ['ca'] } } });
    const refused = await h.call('DELETE', '/certificates/ca');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/backend 'b'/);
    expect((await h.call('DELETE', '/certificates/client')).status).toBe(200);
  });
});

describe('certificates in the declarative file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-certs-'));
    writeFileSync(join(dir, 'client.pem'), pki.client.cert);
    writeFileSync(join(dir, 'client.key'), pki.client.key);
    writeFileSync(join(dir, 'client.pfx'), Buffer.from(toPfxBase64(pki.client, 'pw'), 'base64'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads PEM and PFX files and applies them', async () => {
    const text = [
      'certificates:',
      '  pem: { certificateFile: client.pem, keyFile: client.key }',
      '  pfx: { certificateFile: client.pfx, password: pw }',
      'backends:',
      '  secure: { url: "https://127.0.0.1:8443", credentials: { certificateIds: [pem] } }',
    ].join('\n');
    const loaded = parseDeclarativeText(text, { file: 'portico.yaml', baseDir: dir });
    const result = await h.server.service.applyDeclared(loaded.resources);
    expect(result.created).toHaveLength(3);
    const both = await h.call('GET', '/certificates');
    expect(both.body.value.map((c: { properties: { thumbprint: string } }) => c.properties.thumbprint)).toEqual([
      pki.client.thumbprint,
      pki.client.thumbprint,
    ]);
  });

  it('names a missing file', () => {
    let error: unknown;
    try {
      parseDeclarativeText('certificates:\n  c: { certificateFile: nope.pem }\n', { file: 'portico.yaml', baseDir: dir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeclarativeFileError);
    expect((error as DeclarativeFileError).issues).toEqual([
      expect.objectContaining({ path: 'certificates.c.certificateFile', message: expect.stringMatching(/nope\.pem not found/) }),
    ]);
  });
});

describe('policies naming certificates, checked at save time', () => {
  it('authentication-certificate with an unknown id is refused naming it; a policy in use keeps its certificate', async () => {
    const engine = await createPolicyEngine();
    const checked = await startHarness({ checkSnapshot: gatewaySnapshotCheck(engine) });
    try {
      await checked.call('PUT', '/certificates/client', { properties: { data: pki.client.cert + pki.client.key } });
      await checked.call('PUT', '/apis/svc', { properties: { path: 'svc', protocols: ['https'], serviceUrl: 'https://127.0.0.1:9' } });
      await checked.call('PUT', '/apis/svc/operations/get', { properties: { method: 'GET', urlTemplate: '/' } });
      const policy = (id: string) => ({
        properties: { format: 'rawxml', value: `<policies><inbound><base /><authentication-certificate certificate-id="${id}" /></inbound></policies>` },
      });
      const unknown = await checked.call('PUT', '/apis/svc/policies/policy', policy('missing-cert'));
      expect(unknown.status).toBe(400);
      expect(unknown.text).toMatch(/certificate 'missing-cert' does not exist/);
      expect((await checked.call('PUT', '/apis/svc/policies/policy', policy('client'))).status).toBe(201);
      const deleted = await checked.call('DELETE', '/certificates/client');
      expect(deleted.status).toBe(400);
      expect(deleted.text).toMatch(/certificate 'client' does not exist/);
    } finally {
      await checked.close();
      await engine.close();
    }
  });
});
