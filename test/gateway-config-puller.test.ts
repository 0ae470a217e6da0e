/**
 * The config puller of `portico gateway` against a real management server: what compiles
 * is published and backed up; what does not is refused whole, the gateway's revision and
 * backup stay where they were, and the puller waits for the next revision instead of
 * fetching the refused one again; a refused token leaves the last good snapshot serving.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../src/config/snapshot.js';
import { SnapshotBackup } from '../src/cli/gateway/backup.js';
import { ConfigClient, type PullRequest, type PullResult } from '../src/cli/gateway/config-client.js';
import { ConfigPuller } from '../src/cli/gateway/config-puller.js';
import { PulledSnapshotSource } from '../src/cli/gateway/pulled-snapshot-source.js';
import { startHarness, type Harness } from './management-harness.js';

/** The real client, counting the snapshots it received. */
class CountingClient extends ConfigClient {
  snapshots: number[] = [];
  override async pull(request: PullRequest): Promise<PullResult> {
    const result = await super.pull(request);
    if (result.kind === 'snapshot') this.snapshots.push(result.snapshot.revision);
    return result;
  }
}

let h: Harness;
let dir: string;
let puller: ConfigPuller | undefined;

beforeEach(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'portico-puller-'));
  await h.call('PUT', '/apis/orders', { properties: { path: 'orders', serviceUrl: 'http://127.0.0.1:9' } });
  await h.call('PUT', '/gateways/edge', { properties: {} });
  await h.call('PUT', '/gateways/edge/apis/orders');
  await h.publisher.refresh();
});

afterEach(async () => {
  await puller?.stop();
  puller = undefined;
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out: ${what}`);
}

async function setUp(): Promise<{ client: CountingClient; source: PulledSnapshotSource; backup: SnapshotBackup; said: string[] }> {
  const reply = await h.call('POST', '/gateways/edge/generateToken', { expiry: new Date(Date.now() + 3_600_000).toISOString() });
  const token = String(reply.body.value).replace('GatewayKey ', '');
  const client = new CountingClient(h.base, 'edge', token);
  const source = new PulledSnapshotSource();
  const backup = new SnapshotBackup(dir, 'edge', token);
  const said: string[] = [];
  puller = new ConfigPuller({
    client,
    source,
    // Stands in for a gateway whose compiler refuses one API (as a missing policy module would).
    check: (snapshot: ConfigSnapshot) => {
      if (snapshot.apis.some((api) => api.id === 'poison')) throw new Error("API 'poison' cannot be compiled here");
    },
    backup,
    managementUrl: h.base,
    say: (message) => said.push(message),
    logger: pino({ level: 'silent' }),
    minRetryMs: 20,
    maxRetryMs: 100,
  });
  return { client, source, backup, said };
}

describe('ConfigPuller', () => {
  it('refuses a snapshot that does not compile without advancing, then takes the next good one', async () => {
    const { client, source, backup, said } = await setUp();
    // Unassigned, the API is not in the gateway's snapshot, so it does no harm yet.
    await h.call('PUT', '/apis/poison', { properties: { path: 'poison', serviceUrl: 'http://127.0.0.1:9' } });
    await h.publisher.refresh();
    const first = await puller!.pullNow();
    expect(first.kind).toBe('snapshot');
    expect(puller!.accept((first as { snapshot: ConfigSnapshot }).snapshot, 'management')).toBeUndefined();
    await puller!.backupWritten();
    const good = source.current()!.revision;
    expect((await backup.read())?.snapshot.revision).toBe(good);
    puller!.start();

    await h.call('PUT', '/gateways/edge/apis/poison');
    await eventually('the poisoned revision is refused', () => said.some((line) => line.startsWith('refused configuration revision')));
    expect(said.find((line) => line.startsWith('refused'))).toMatch(new RegExp(`: API 'poison' cannot be compiled here; still serving revision ${good}$`));
    expect(source.current()!.revision).toBe(good);
    await puller!.backupWritten();
    expect((await backup.read())?.snapshot.revision).toBe(good);

    // The refused revision is not fetched again: the puller long-polls for a newer one.
    const received = client.snapshots.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.snapshots.length).toBe(received);

    await h.call('DELETE', '/apis/poison');
    await eventually('the next good revision is taken', () => source.current()!.revision > good);
    expect(source.current()!.apis.map((api) => api.id)).toEqual(['orders']);
    await puller!.backupWritten();
    expect((await backup.read())?.snapshot.revision).toBe(source.current()!.revision);
  });

  it('keeps serving the last good snapshot when management starts refusing the token, and says so once', async () => {
    const { source, said } = await setUp();
    const first = await puller!.pullNow();
    puller!.accept((first as { snapshot: ConfigSnapshot }).snapshot, 'management');
    const good = source.current()!.revision;
    puller!.start();
    await h.call('POST', '/gateways/edge/regenerateKey', { keyType: 'primary' });
    await eventually('the refusal is reported', () => said.some((line) => line.includes('refused the gateway token')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(said.filter((line) => line.includes('refused the gateway token'))).toEqual([
      `management at ${h.base} refused the gateway token: The gateway token's signature matches neither key of gateway 'edge' (it was altered, or the key that signed it was regenerated); still serving revision ${good}; retrying`,
    ]);
    expect(source.current()!.revision).toBe(good);
  });
});
