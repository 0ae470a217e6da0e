import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent, request } from 'undici';
import { SnapshotRejectedError } from '../../src/gateway/runtime.js';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/** An upstream route that holds each request until the test releases it. */
function holdRoute(upstream: EchoUpstream, path: string) {
  const held: ServerResponse[] = [];
  let arrived: (() => void) | null = null;
  upstream.route(path, (_req: IncomingMessage, res: ServerResponse) => {
    held.push(res);
    arrived?.();
  });
  return {
    /** Resolves once `n` requests are being held. */
    waitFor(n = 1): Promise<void> {
      if (held.length >= n) return Promise.resolve();
      return new Promise((resolve) => {
        arrived = () => {
          if (held.length >= n) resolve();
        };
      });
    },
    releaseAll(body: string): void {
      for (const res of held.splice(0)) res.end(body);
    },
  };
}

describe('gateway lifecycle', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(build: (a: EchoUpstream, b: EchoUpstream) => SnapshotBuilder, options = {}) {
    const a = await startEchoUpstream();
    const b = await startEchoUpstream();
    const builder = build(a, b);
    const gw = await startTestGateway(builder.build(), options);
    cleanups.push(async () => {
      await gw.close();
      await a.close();
      await b.close();
    });
    return { a, b, gw, builder };
  }

  it('swaps snapshots while a slow request is in flight: it completes on the old one, new ones see the new one', async () => {
    const { a, b, gw, builder } = await setup((a) =>
      new SnapshotBuilder()
        .api('old', { path: 'old', serviceUrl: a.url, subscriptionRequired: false })
        .operation('old', 'any', '*', '/*'),
    );
    const slow = holdRoute(a, '/slow');
    const inFlight = gw.request('/old/slow');
    await slow.waitFor();
    const oldRevision = gw.gateway.runtime!.revision;

    gw.publish(
      builder
        .remove('api', 'old')
        .remove('operation', 'old/any')
        .api('new', { path: 'new', serviceUrl: b.url, subscriptionRequired: false })
        .operation('new', 'any', '*', '/*')
        .build(),
    );
    expect(gw.gateway.runtime!.revision).toBe(oldRevision + 1);
    expect((await gw.request('/old/slow')).statusCode).toBe(404);
    expect((await gw.request('/new/x')).statusCode).toBe(200);
    // The old origin's pool lives on while the old runtime still has a request running.
    expect(gw.gateway.backendOrigins).toContain(a.url);

    slow.releaseAll('finished on the old snapshot');
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(res.text).toBe('finished on the old snapshot');
    await vi.waitFor(() => expect(gw.gateway.backendOrigins).toEqual([b.url]));
  });

  it('keeps a backend pool across snapshots while its origin stays', async () => {
    const { a, gw, builder } = await setup((a) =>
      new SnapshotBuilder().api('x', { path: 'x', serviceUrl: a.url, subscriptionRequired: false }).operation('x', 'any', '*', '/*'),
    );
    const before = gw.gateway.runtime!.targets[0].dispatcher;
    gw.publish(builder.operation('x', 'extra', 'GET', '/extra').build());
    expect(gw.gateway.runtime!.targets[0].dispatcher).toBe(before);
    expect(gw.gateway.backendOrigins).toEqual([a.url]);
  });

  it('never fails new requests while snapshots are swapped repeatedly', async () => {
    const { gw, builder } = await setup((a) =>
      new SnapshotBuilder().api('x', { path: 'x', serviceUrl: a.url, subscriptionRequired: false }).operation('x', 'any', '*', '/*'),
    );
    const statuses: number[] = [];
    const worker = async (w: number) => {
      for (let i = 0; i < 50; i++) statuses.push((await gw.request(`/x/${w}/${i}`)).statusCode);
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    for (let i = 0; i < 50; i++) {
      gw.publish(builder.operation('x', `op${i}`, 'GET', `/v${i}`).build());
      await new Promise((resolve) => setImmediate(resolve));
    }
    await load;
    expect(statuses).toHaveLength(200);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gw.gateway.runtime!.revision).toBeGreaterThan(40);
  });

  it('rejects a snapshot that does not compile and keeps serving the previous one', async () => {
    const rejected: unknown[] = [];
    const { a, gw, builder } = await setup(
      (a) => new SnapshotBuilder().api('x', { path: 'x', serviceUrl: a.url, subscriptionRequired: false }).operation('x', 'any', '*', '/*'),
      { onSnapshotRejected: (err: unknown) => rejected.push(err) },
    );
    const revision = gw.gateway.runtime!.revision;
    const bad = builder
      .api('meta', { path: 'meta', serviceUrl: 'http://169.254.169.254/latest', subscriptionRequired: false })
      .operation('x', 'broken', 'GET', '/a/{unclosed')
      .build();
    gw.publish(bad);
    expect(rejected).toHaveLength(1);
    const err = rejected[0] as SnapshotRejectedError;
    expect(err).toBeInstanceOf(SnapshotRejectedError);
    expect(err.details.map((d) => d.target).sort()).toEqual(['apis/meta', 'apis/x/operations/broken']);
    expect(gw.gateway.runtime!.revision).toBe(revision);
    expect((await gw.request('/x/still-here')).statusCode).toBe(200);
    expect(() => gw.gateway.apply(bad)).toThrow(SnapshotRejectedError);
    expect(gw.gateway.backendOrigins).toEqual([a.url]);
  });

  it('allows link-local backends only when configured to', async () => {
    const { gw, builder } = await setup(
      (a) => new SnapshotBuilder().api('x', { path: 'x', serviceUrl: a.url, subscriptionRequired: false }),
      { allowLinkLocalBackends: true },
    );
    const runtime = gw.gateway.apply(
      builder.api('meta', { path: 'meta', serviceUrl: 'http://169.254.169.254/', subscriptionRequired: false }).build(),
    );
    expect(runtime.apis.has('meta')).toBe(true);
  });

  it('aborts the backend call when the client goes away', async () => {
    const { a, gw } = await setup((a) =>
      new SnapshotBuilder().api('x', { path: 'x', serviceUrl: a.url, subscriptionRequired: false }).operation('x', 'any', '*', '/*'),
    );
    const slow = holdRoute(a, '/slow');
    const controller = new AbortController();
    const client = new Agent();
    const pending = request(`${gw.url}/x/slow`, { dispatcher: client, signal: controller.signal });
    await slow.waitFor();
    expect(a.openRequests).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(a.openRequests).toBe(0));
    await client.close();
  });
});

describe('gateway close', () => {
  let gw: TestGateway | null = null;
  let upstream: EchoUpstream | null = null;
  afterEach(async () => {
    await gw?.close();
    await upstream?.close();
  });

  async function start() {
    upstream = await startEchoUpstream();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('x', { path: 'x', serviceUrl: upstream.url, subscriptionRequired: false })
        .operation('x', 'any', '*', '/*')
        .build(),
    );
    return { upstream, gw };
  }

  it('stops accepting, lets in-flight requests finish, then resolves', async () => {
    const { upstream, gw } = await start();
    const slow = holdRoute(upstream, '/slow');
    const client = new Agent();
    const inFlight = request(`${gw.url}/x/slow`, { dispatcher: client });
    await slow.waitFor();

    let closed = false;
    const closing = gw.gateway.close({ drainMs: 10_000 }).then(() => (closed = true));
    // New connections are refused while draining.
    const fresh = new Agent();
    await expect(request(`${gw.url}/x/other`, { dispatcher: fresh })).rejects.toThrow();
    await fresh.close();
    expect(closed).toBe(false);

    slow.releaseAll('drained');
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('drained');
    await closing;
    expect(closed).toBe(true);
    expect(gw.gateway.backendOrigins).toEqual([]);
    await client.close();
  });

  it('cuts requests still running after drainMs', async () => {
    const { upstream, gw } = await start();
    const slow = holdRoute(upstream, '/slow');
    const client = new Agent();
    const outcome = request(`${gw.url}/x/slow`, { dispatcher: client }).then(
      () => 'answered',
      (err: Error) => err,
    );
    await slow.waitFor();
    await gw.gateway.close({ drainMs: 100 });
    expect(await outcome).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(upstream.openRequests).toBe(0));
    await client.destroy();
  });
});
