/**
 * Signing with the snapshot's active key. The private key is imported once per snapshot
 * (memoised on the snapshot's key object, which every policy instance of that snapshot
 * shares) and never leaves this module: it is not logged, traced or put in an error.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey } from 'jose';
import type { PolicySigningKeySource } from '../contract/snapshot-view.js';

/** What goes into one token besides the standard claims. */
export type PorticoClaims = Readonly<Record<string, string>>;

export interface TokenRequest {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly claims: PorticoClaims;
  /** Milliseconds since the epoch. */
  readonly nowMs: number;
}

export interface Signer {
  readonly kid: string;
  sign(request: TokenRequest): Promise<string>;
}

const IMPORTED = new WeakMap<PolicySigningKeySource, Promise<CryptoKey>>();

function importOnce(key: PolicySigningKeySource, privateD: string): Promise<CryptoKey> {
  let imported = IMPORTED.get(key);
  if (imported === undefined) {
    const { kty, crv, x, y } = key.publicJwk;
    imported = importJWK({ kty, crv, x, y, d: privateD }, 'ES256');
    // A failed import is not cached: the next request tries again (and fails the same way, loudly).
    imported.catch(() => IMPORTED.delete(key));
    IMPORTED.set(key, imported);
  }
  return imported;
}

/** The signer for the snapshot's active key, or undefined when the snapshot has none. */
export function activeSigner(keys: readonly PolicySigningKeySource[] | undefined): Signer | undefined {
  const key = keys?.find((k) => k.status === 'active' && k.privateD !== undefined);
  if (key === undefined || key.privateD === undefined) return undefined;
  const privateD = key.privateD;
  const kid = key.kid;
  return {
    kid,
    async sign({ issuer, audience, ttlSeconds, claims, nowMs }) {
      const privateKey = await importOnce(key, privateD);
      const iat = Math.floor(nowMs / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}
