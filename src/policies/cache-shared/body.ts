/**
 * Reading a response body for the cache without ever failing the response: a body larger
 * than the cache takes is left streaming to the client (what was read is sent first), only
 * not cached.
 */
import { Readable } from 'node:stream';
import type { PolicyResponse } from '../contract/context.js';

/** The body's bytes (now the response's body), or undefined when it is larger than `limit`. */
export async function readBodyForCache(response: PolicyResponse, limit: number): Promise<Buffer | undefined> {
  const body = response.body;
  if (body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body.length <= limit ? body : undefined;
  if (typeof body === 'string') {
    const bytes = Buffer.from(body);
    return bytes.length <= limit ? bytes : undefined;
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const source = body instanceof Readable ? body : body.toReadable();
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = await iterator.next();
    } catch (error) {
      // The backend failed mid-body: the client gets what came, then the same cut it would
      // have got without a cache; nothing is cached, and the policy does not fail the call.
      response.body = continued(chunks, failingWith(error), source);
      return undefined;
    }
    if (next.done === true) break;
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      response.body = continued(chunks, iterator, source);
      return undefined;
    }
  }
  const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
  response.body = bytes;
  return bytes;
}

/** A stream of the chunks already read, then the rest of `source`. */
function continued(head: Buffer[], iterator: AsyncIterator<unknown>, source: Readable): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at < head.length) {
        this.push(head[at++]);
        return;
      }
      iterator.next().then(
        (next) => this.push(next.done === true ? null : toBuffer(next.value)),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      source.destroy();
      callback(error);
    },
  });
}

function failingWith(error: unknown): AsyncIterator<unknown> {
  return { next: () => Promise.reject(error instanceof Error ? error : new Error(String(error))) };
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
}
