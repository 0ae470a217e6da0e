/**
 * Bandwidth for `quota` / `quota-by-key`: the bytes of the request and the response. A
 * response body streamed to the client (the backend's, chunked or not) is counted as it
 * flows through a pass-through meter, never buffered; the total is reported once, when the
 * body has been sent or the client went away (then only the bytes that flowed count).
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import type { PolicyContext, PolicyResponse } from '../contract/context.js';

/**
 * Counts the request's and the response's bytes and calls `report(total)` once, when they
 * are known: at once for in-memory bodies, at the end of the stream for a streamed one.
 * Replaces a streamed `response.body` with its metered view.
 */
export function meterBandwidth(ctx: PolicyContext, response: PolicyResponse, report: (bytes: number) => void): void {
  const body = response.body;
  if (body === null) return report(ctx.requestBodyBytes);
  if (typeof body === 'string') return report(ctx.requestBodyBytes + Buffer.byteLength(body));
  if (Buffer.isBuffer(body)) return report(ctx.requestBodyBytes + body.length);
  const source = body instanceof Readable ? body : body.toReadable();
  const meter = new ByteMeter();
  // pipeline: when the client goes away and the gateway destroys the meter, the source
  // (the backend's body) is destroyed too.
  response.body = pipeline(source, meter, ignoreStreamEnd);
  // Read when the response is done: a chunked request body has flowed by then.
  meter.once('close', () => report(ctx.requestBodyBytes + meter.bytes));
}

function ignoreStreamEnd(): void {
  // A client or backend going away mid-body: the bytes that flowed are reported on 'close'.
}

/** Passes chunks through unchanged, counting their bytes. */
class ByteMeter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    callback(null, chunk);
  }
}
