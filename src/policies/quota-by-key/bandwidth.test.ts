import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PolicyResponse } from '../contract/context.js';
import { FakeContext } from '../testing/fake-context.test-helper.js';
import { meterBandwidth } from './bandwidth.js';

function response(body: PolicyResponse['body']): PolicyResponse {
  return { statusCode: 200, headers: {}, body };
}

function reported(): { bytes: Promise<number>; report: (bytes: number) => void; calls: number[] } {
  const calls: number[] = [];
  let resolve!: (bytes: number) => void;
  const bytes = new Promise<number>((r) => (resolve = r));
  return { bytes, calls, report: (n) => (calls.push(n), resolve(n)) };
}

describe('meterBandwidth', () => {
  it('counts in-memory bodies at once, with the request body sent', () => {
    const ctx = new FakeContext();
    ctx.clientBody = Buffer.alloc(100);
    const counted = reported();
    meterBandwidth(ctx, response('héllo'), counted.report);
    meterBandwidth(ctx, response(Buffer.alloc(10)), counted.report);
    meterBandwidth(ctx, response(null), counted.report);
    expect(counted.calls).toEqual([106, 110, 100]);
  });

  it('counts a streamed body as it flows, without changing it, and reports once at the end', async () => {
    const ctx = new FakeContext();
    const counted = reported();
    const res = response(Readable.from([Buffer.from('abc'), Buffer.from('defgh')]));
    meterBandwidth(ctx, res, counted.report);
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as Readable) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcdefgh');
    expect(await counted.bytes).toBe(8);
    expect(counted.calls).toEqual([8]);
  });

  it('counts only what flowed when the client goes away, and stops the source', async () => {
    const ctx = new FakeContext();
    const counted = reported();
    const source = new PassThrough();
    const res = response(source);
    meterBandwidth(ctx, res, counted.report);
    const metered = res.body as Readable;
    source.write('x'.repeat(300));
    await once(metered, 'data');
    // (pipeline destroys the source with a premature-close error: wait for 'close', not once()).
    const sourceClosed = new Promise((resolve) => source.once('close', resolve));
    metered.destroy();
    expect(await counted.bytes).toBe(300);
    await sourceClosed;
    expect(source.destroyed).toBe(true);
  });
});
