/**
 * `GET /.well-known/portico/jwks.json`: the public halves of the snapshot's token-signing
 * keys (issue-backend-token), so services can verify the tokens the gateway puts on their
 * requests. Every replica serves the same keys because they come from the control plane.
 * A retired key is listed until its `publishUntil`, judged by this gateway's clock, so it
 * disappears on time even when no new snapshot arrives.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SnapshotSigningKey } from '../config/snapshot.js';
import { GATEWAY_JWKS_PATH } from '../model/signing-keys.js';

export { GATEWAY_JWKS_PATH };

/**
 * Verifiers may cache for five minutes: rotation publishes the next key one rotation ahead,
 * and an unknown `kid` makes packages/verify refetch anyway.
 */
const CACHE_CONTROL = 'public, max-age=300';

interface RenderedJwks {
  readonly body: Buffer;
  /** When the first listed retired key expires (ms); the body is rebuilt from then on. */
  readonly validUntil: number;
}

const RENDERED = new WeakMap<readonly SnapshotSigningKey[], RenderedJwks>();
const EMPTY: readonly SnapshotSigningKey[] = [];

/** True when the request targets the JWKS path (with or without a query). */
export function isJwksRequest(url: string): boolean {
  return url.startsWith(GATEWAY_JWKS_PATH) && (url.length === GATEWAY_JWKS_PATH.length || url[GATEWAY_JWKS_PATH.length] === '?');
}

/** Answers GET/HEAD with the JWKS, anything else with 405. */
export function answerJwks(
  req: IncomingMessage,
  res: ServerResponse,
  keys: readonly SnapshotSigningKey[] | undefined,
  nowMs: number,
  /** A request body is still on its way: close the connection after answering (as every early answer does). */
  close: boolean,
): void {
  const connection = close ? { connection: 'close' } : {};
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const body = '{"statusCode":405,"message":"Method not allowed"}';
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...connection });
    res.end(body);
    return;
  }
  const { body } = rendered(keys ?? EMPTY, nowMs);
  res.writeHead(200, {
    'content-type': 'application/jwk-set+json',
    'content-length': body.length,
    'cache-control': CACHE_CONTROL,
    ...connection,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function rendered(keys: readonly SnapshotSigningKey[], nowMs: number): RenderedJwks {
  const cached = RENDERED.get(keys);
  if (cached !== undefined && nowMs < cached.validUntil) return cached;
  const fresh = render(keys, nowMs);
  RENDERED.set(keys, fresh);
  return fresh;
}

/** Public members only, whitelisted field by field: a private `d` can never slip through. */
export function render(keys: readonly SnapshotSigningKey[], nowMs: number): RenderedJwks {
  let validUntil = Number.POSITIVE_INFINITY;
  const published = [];
  for (const key of keys) {
    if (key.status === 'retired') {
      const until = key.publishUntil === undefined ? Number.NaN : Date.parse(key.publishUntil);
      if (!(until > nowMs)) continue;
      validUntil = Math.min(validUntil, until);
    }
    const { kty, crv, x, y } = key.publicJwk;
    published.push({ kty, crv, x, y, kid: key.kid, alg: key.alg, use: 'sig' });
  }
  return { body: Buffer.from(JSON.stringify({ keys: published })), validUntil };
}
