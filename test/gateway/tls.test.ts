/**
 * The gateway's HTTPS listener over real TLS, with certificates made at test time: it
 * serves, forwards `X-Forwarded-Proto: https`, keeps the edge rules, accepts clients with
 * no or an untrusted certificate at the TLS layer (policy decides); and `portico start
 * --tls-cert …` end to end through the CLI.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import { cleanEnv, RunningCli, runCli } from '../cli-harness.js';
import { issueCertificate, issueTestPki } from '../helpers/certificates.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { StaticSnapshotSource } from '../helpers/static-snapshot-source.js';
import { httpsCall } from '../helpers/tls-client.js';

const pki = issueTestPki();
const otherCa = issueCertificate({ commonName: 'Other CA', kind: 'ca', validDays: 365 });
const stranger = issueCertificate({ commonName: 'stranger', kind: 'client' }, otherCa);

interface Echo {
  headers: Record<string, string>;
}

describe('gateway HTTPS listener', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayServer;
  let base: string;
  let port: number;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const snapshot = new SnapshotBuilder()
      .api('open', { path: 'open', serviceUrl: upstream.url, subscriptionRequired: false })
      .operation('open', 'hello', 'GET', '/hello')
      .operation('open', 'post', 'POST', '/hello')
      .build();
    gateway = createGatewayServer({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert } });
    gateway.attach(new StaticSnapshotSource(snapshot));
    ({ port } = await gateway.listen(0, '127.0.0.1'));
    base = `https://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await gateway.close({ drainMs: 1_000 });
    await upstream.close();
  });

  it('serves HTTPS and tells the backend the client used https', async () => {
    const response = await httpsCall(`${base}/open/hello`, { ca: pki.ca.cert });
    expect(response.statusCode).toBe(200);
    const echo = response.json<Echo>();
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-forwarded-host']).toBe(`127.0.0.1:${port}`);
  });

  it('answers the health probe over HTTPS', async () => {
    expect((await httpsCall(`${base}/status-0123456789abcdef`, { ca: pki.ca.cert })).statusCode).toBe(200);
  });

  it.each([
    ['a trusted client certificate', pki.client],
    ['no client certificate', undefined],
    ['a certificate from another CA', stranger],
  ])('completes the handshake with %s (policy decides, not the TLS layer)', async (_case, client) => {
    const response = await httpsCall(`${base}/open/hello`, { ca: pki.ca.cert, client });
    expect(response.statusCode).toBe(200);
  });

  it('streams request bodies over TLS', async () => {
    const response = await httpsCall(`${base}/open/hello`, { ca: pki.ca.cert, method: 'POST', body: 'x'.repeat(100_000) });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ bodyLength: number }>().bodyLength).toBe(100_000);
  });

  it('keeps the edge rules: duplicate Content-Length is refused with the JSON 400', async () => {
    const raw = await tlsRaw(port, 'POST /open/hello HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx');
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('"statusCode":400');
  });

  it('answers a 404 as JSON over TLS', async () => {
    const response = await httpsCall(`${base}/nowhere`, { ca: pki.ca.cert });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, message: 'Resource not found' });
  });

  it('refuses a server key that does not match the certificate at construction', () => {
    expect(() => createGatewayServer({ tls: { cert: pki.server.cert, key: pki.client.key } })).toThrow();
  });
});

/** Writes `request` over TLS and reads until the server closes. */
function tlsRaw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ca: pki.ca.cert, servername: 'localhost' }, () => socket.write(request));
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer: ${data}`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => undefined);
  });
}

// Real processes: generous limits keep a loaded machine from failing these.
describe('portico start --tls-cert (CLI)', { timeout: 60_000 }, () => {
  let dir: string;
  const running: RunningCli[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-tls-'));
    await writeFile(join(dir, 'server.pem'), pki.server.cert);
    await writeFile(join(dir, 'server.key'), pki.server.key);
    await writeFile(join(dir, 'ca.pem'), pki.ca.cert);
    const selfSigned = issueCertificate({ commonName: 'localhost', kind: 'server', altNames: ['localhost', '127.0.0.1'] });
    await writeFile(join(dir, 'self.pem'), selfSigned.cert);
    await writeFile(join(dir, 'self.key'), selfSigned.key);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((cli) => cli.stop()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function dataDir(): Promise<string> {
    return mkdtemp(join(dir, 'data-'));
  }

  function start(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): RunningCli {
    const cli = new RunningCli(['start', '--gateway-port', '0', '--admin-port', '0', ...args], env);
    running.push(cli);
    return cli;
  }

  /** `--data` (a fresh folder) and the TLS flags for files of `dir`. */
  async function flags(cert: string, key: string, clientCa?: string): Promise<string[]> {
    const ca = clientCa === undefined ? [] : ['--tls-client-ca', join(dir, clientCa)];
    return ['--data', await dataDir(), '--tls-cert', join(dir, cert), '--tls-key', join(dir, key), ...ca];
  }

  it('serves the demo over HTTPS and prints an https curl line that works', async () => {
    const cli = start(await flags('server.pem', 'server.key', 'ca.pem'));
    const { gateway, admin } = await cli.addresses();
    expect(gateway).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(admin).toMatch(/^http:\/\//);
    const [, header, key, url] = await cli.waitFor(/^ {2}curl -H "([^:"]+): ([^"]+)" (https:\/\/\S+)$/m);
    expect(cli.stdout).toContain('--cacert <issuer CA file>');

    const response = await httpsCall(url, { ca: pki.ca.cert, headers: { [header]: key } });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ headers: Record<string, string> }>().headers['x-forwarded-proto']).toBe('https');
    // A client certificate is asked for but not required at the TLS layer.
    expect((await httpsCall(url, { ca: pki.ca.cert, client: pki.client, headers: { [header]: key } })).statusCode).toBe(200);
  });

  it('takes the files from PORTICO_TLS_CERT/KEY and names a self-signed certificate as the curl CA', async () => {
    const cli = start(['--data', await dataDir()], cleanEnv({ PORTICO_TLS_CERT: join(dir, 'self.pem'), PORTICO_TLS_KEY: join(dir, 'self.key') }));
    const [, caFile, header, key, url] = await cli.waitFor(/^ {2}curl --cacert (\S+) -H "([^:"]+): ([^"]+)" (https:\/\/\S+)$/m);
    expect(caFile).toBe(join(dir, 'self.pem'));
    const response = await httpsCall(url, { ca: await readFile(caFile, 'utf8'), headers: { [header]: key } });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a missing file with one line naming it', async () => {
    const missing = join(dir, 'missing.pem');
    const result = await runCli(['start', ...(await flags('missing.pem', 'server.key'))]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`portico start: cannot read --tls-cert ${missing}: no such file`]);
  });

  it('refuses a key that does not belong to the certificate, naming both files', async () => {
    const result = await runCli(['start', ...(await flags('server.pem', 'self.key'))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--tls-key ${join(dir, 'self.key')} is not the private key of the certificate in ${join(dir, 'server.pem')}`);
    expect(result.stderr).not.toContain('PRIVATE KEY');
  });

  it('refuses a client CA file that holds no certificate', async () => {
    const result = await runCli(['start', ...(await flags('server.pem', 'server.key', 'server.key'))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--tls-client-ca ${join(dir, 'server.key')}: the client CA holds no PEM certificate`);
    expect(result.stderr).not.toContain('PRIVATE KEY');
  });

  it('needs --tls-cert and --tls-key together', async () => {
    const result = await runCli(['start', '--tls-cert', join(dir, 'server.pem')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--tls-cert needs --tls-key');
  });
});
