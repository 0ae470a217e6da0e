import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyCompiler } from '../../src/gateway/policy-hooks.js';
import { startEchoUpstream, type EchoUpstream, type ReceivedRequest } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

/**
 * The policy engine is a later piece; these tests stand in for it through the
 * PolicyCompiler hook, to pin down the contract it will rely on.
 */
describe('policy pipeline hooks', () => {
  let upstream: EchoUpstream;
  let gw: TestGateway;
  const compiledFor: string[] = [];

  const policies: PolicyCompiler = ({ operation, product }) => {
    compiledFor.push(`${operation.id}@${product?.id ?? '-'}`);
    switch (operation.id) {
      case 'mock':
        return {
          inbound: (ctx) => {
            ctx.response = { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: `mocked ${ctx.matchedParameters.get('id')}` };
          },
        };
      case 'headers':
        return {
          inbound: (ctx) => {
            ctx.forwardHeaders['x-added-inbound'] = 'in';
          },
          outbound: async (ctx) => {
            await Promise.resolve();
            ctx.response!.headers['x-added-outbound'] = product === undefined ? 'no-product' : product.id;
          },
        };
      case 'transform':
        return {
          outbound: (ctx) => {
            const body = ctx.response!.body as { toReadable(): Readable };
            const upper = body.toReadable().map((chunk: Buffer) => chunk.toString('utf8').toUpperCase());
            delete ctx.response!.headers['content-length'];
            ctx.response!.body = upper;
          },
        };
      case 'backend':
        return {
          backend: async (ctx) => {
            ctx.backendPath = '/rewritten';
            await ctx.forward({ timeoutMs: 30_000 });
          },
        };
      case 'fails':
        return {
          inbound: () => {
            throw new Error('policy exploded with secret details');
          },
        };
      case 'recovers':
        return {
          inbound: () => {
            throw new Error('boom');
          },
          onError: (ctx) => {
            ctx.response = {
              statusCode: 418,
              headers: { 'content-type': 'text/plain' },
              body: `recovered from ${(ctx.lastError as Error).message}`,
            };
          },
        };
      default:
        return undefined;
    }
  };

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    gw = await startTestGateway(
      new SnapshotBuilder()
        .api('p', { path: 'p', serviceUrl: upstream.url })
        .operation('p', 'mock', 'GET', '/mock/{id}')
        .operation('p', 'headers', 'GET', '/headers')
        .operation('p', 'transform', 'GET', '/transform')
        .operation('p', 'backend', 'GET', '/backend')
        .operation('p', 'fails', 'GET', '/fails')
        .operation('p', 'recovers', 'GET', '/recovers')
        .product('gold', { apiIds: ['p'] })
        .subscription('all', { scope: '/apis', primaryKey: 'all-key' })
        .subscription('gold-sub', { scope: '/products/gold', primaryKey: 'gold-key' })
        .build(),
      { policies },
    );
    upstream.route('/transform', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 });
      res.end('hello world');
    });
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  const get = (path: string, key = 'all-key') => gw.request(path, { headers: { 'ocp-apim-subscription-key': key } });

  it('compiles one pipeline per operation without product and one per product holding the API', () => {
    expect(compiledFor).toContain('mock@-');
    expect(compiledFor).toContain('mock@gold');
  });

  it('skips the backend when inbound sets a response', async () => {
    const before = upstream.requests.length;
    const res = await get('/p/mock/7');
    expect(res.statusCode).toBe(200);
    expect(res.text).toBe('mocked 7');
    expect(upstream.requests.length).toBe(before);
  });

  it('runs inbound before and (async) outbound after the backend, in the product context', async () => {
    const plain = await get('/p/headers');
    expect(plain.json<ReceivedRequest>().headers['x-added-inbound']).toBe('in');
    expect(plain.headers['x-added-outbound']).toBe('no-product');
    const gold = await get('/p/headers', 'gold-key');
    expect(gold.headers['x-added-outbound']).toBe('gold');
  });

  it('lets outbound replace the streamed backend body', async () => {
    const res = await get('/p/transform');
    expect(res.text).toBe('HELLO WORLD');
  });

  it('lets a backend phase replace the default forward and still use it', async () => {
    const res = await get('/p/backend');
    expect(res.json<ReceivedRequest>().url).toBe('/rewritten');
  });

  it('answers a failing policy with a bare 500, never its message', async () => {
    const res = await get('/p/fails');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
  });

  it('lets on-error build the response', async () => {
    const res = await get('/p/recovers');
    expect(res.statusCode).toBe(418);
    expect(res.text).toBe('recovered from boom');
  });
});
