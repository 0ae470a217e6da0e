/** Message bodies: buffering a stream (bounded) and replacing a body with its headers kept right. */
import { Readable } from 'node:stream';
import type { PolicyResponse, StreamedBody } from '../contract/context.js';
import { PolicyFailure } from '../engine/failures.js';

/** Reads a streamed body into memory; fails (502) past `limit` bytes. */
export async function collectBody(body: StreamedBody | Readable, limit: number): Promise<Buffer> {
  const stream = body instanceof Readable ? body : body.toReadable();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      throw new PolicyFailure(502, 'ResponseBodyTooLarge', 'The backend response is larger than policies can buffer.');
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

export function isStreamBody(body: PolicyResponse['body']): body is StreamedBody | Readable {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body);
}

/**
 * Sets a new response body, dropping (and destroying) the old one, with Content-Length made
 * to match: a stale length or transfer coding would corrupt the response framing.
 */
export function replaceResponseBody(response: PolicyResponse, body: Buffer | string | null): void {
  const old = response.body;
  if (isStreamBody(old) && old !== (body as unknown)) old.destroy();
  response.body = body;
  delete response.headers['transfer-encoding'];
  // New content: the backend's encoding (gzip…) no longer describes it.
  delete response.headers['content-encoding'];
  response.headers['content-length'] = body === null ? 0 : Buffer.byteLength(body);
}

/** Reads a response body (string or buffer) as bytes, or null when it is a stream or absent. */
export function bufferedBytes(body: PolicyResponse['body']): Buffer | null {
  if (body === null) return null;
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  return null;
}
