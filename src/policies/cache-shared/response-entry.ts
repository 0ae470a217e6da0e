/**
 * A cached response as bytes: a 4-byte big-endian length, the head as JSON (status, reason
 * phrase, headers exactly as they were), then the body bytes untouched. The same bytes serve
 * the memory and the Redis store, and a hit rebuilds a response identical to the stored one.
 */
import type { PolicyResponse } from '../contract/context.js';

/** APIM's limit on a cached response: larger ones are passed through, not cached. */
export const MAX_CACHED_RESPONSE_BYTES = 2 * 1024 * 1024;

const FORMAT = 1;

interface Head {
  readonly f: number;
  readonly s: number;
  readonly m?: string;
  readonly h: PolicyResponse['headers'];
}

export function encodeResponse(response: PolicyResponse, body: Buffer): Buffer {
  const head: Head = { f: FORMAT, s: response.statusCode, ...(response.statusMessage === undefined ? {} : { m: response.statusMessage }), h: response.headers };
  const headBytes = Buffer.from(JSON.stringify(head));
  const out = Buffer.allocUnsafe(4 + headBytes.length + body.length);
  out.writeUInt32BE(headBytes.length, 0);
  headBytes.copy(out, 4);
  body.copy(out, 4 + headBytes.length);
  return out;
}

/** A fresh response (its own headers object) from stored bytes; undefined when they are not one. */
export function decodeResponse(bytes: Buffer): PolicyResponse | undefined {
  if (bytes.length < 4) return undefined;
  const headLength = bytes.readUInt32BE(0);
  if (4 + headLength > bytes.length) return undefined;
  let head: Head;
  try {
    head = JSON.parse(bytes.toString('utf8', 4, 4 + headLength)) as Head;
  } catch {
    return undefined;
  }
  if (head?.f !== FORMAT || typeof head.s !== 'number' || typeof head.h !== 'object' || head.h === null) return undefined;
  const response: PolicyResponse = { statusCode: head.s, headers: head.h, body: bytes.subarray(4 + headLength) };
  if (typeof head.m === 'string') response.statusMessage = head.m;
  return response;
}
