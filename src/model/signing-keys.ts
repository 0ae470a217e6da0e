/**
 * Limits shared by the control plane (which keeps the gateway's token-signing keys) and
 * the `issue-backend-token` policy (which signs with them). Both sides must agree on the
 * largest token lifetime: a retired key stays published for that long after a rotation,
 * so every token it signed can still be verified until it expires.
 */

/** The only signing algorithm: ECDSA P-256 with SHA-256 (small keys, small signatures). */
export const SIGNING_KEY_ALG = 'ES256';

export const BACKEND_TOKEN_MIN_TTL_SECONDS = 1;
export const BACKEND_TOKEN_MAX_TTL_SECONDS = 3600;
export const BACKEND_TOKEN_DEFAULT_TTL_SECONDS = 300;

/**
 * Extra time a retired key stays published beyond the largest token lifetime: covers clock
 * skew between gateway and services, and gateways that pick the rotation up a little late
 * (a remote replica pulls snapshots) and sign with the old key meanwhile.
 */
export const RETIRED_KEY_GRACE_SECONDS = 300;

/** The `iss` of every token when the policy does not name another. */
export const DEFAULT_BACKEND_TOKEN_ISSUER = 'portico';

/** Where each gateway publishes the public keys (on its own listener). */
export const GATEWAY_JWKS_PATH = '/.well-known/portico/jwks.json';

/** A public P-256 key as a JWK. */
export interface EcPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * 'next': published but not signing yet, so verifiers already hold it when it takes over;
 * 'active': signs; 'retired': published until `publishUntil`, then dropped.
 */
export type SigningKeyStatus = 'next' | 'active' | 'retired';
