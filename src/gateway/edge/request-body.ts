import type { IncomingMessage } from 'node:http';
import { PAYLOAD_TOO_LARGE } from '../errors.js';

/** What reading the client's body needs from the request context. */
interface BodySource {
  readonly req: IncomingMessage;
  readonly contentLength: number;
  readonly chunked: boolean;
  readonly settings: { readonly maxRequestBodyBytes: number };
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads the whole client body, for policies that need it in memory (Body.As<T>(),
 * buffer-request-body, set-body's neighbours). Bounded by the gateway's body cap: a
 * chunked body that grows past it fails with 413, as when streaming.
 */
export async function collectRequestBody(ctx: BodySource): Promise<Buffer> {
  if (!ctx.chunked && ctx.contentLength <= 0) return EMPTY;
  const limit = ctx.settings.maxRequestBodyBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      ctx.req.destroy();
      throw PAYLOAD_TOO_LARGE;
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/**
 * Whether the request announced a body (a Content-Length other than 0, or any
 * Transfer-Encoding), read from `rawHeaders` without building `req.headers`. For answers
 * given before the edge phase inspected the headers (probe, not ready).
 */
export function declaresBody(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length' && rawHeaders[i + 1] !== '0') return true;
  }
  return false;
}
