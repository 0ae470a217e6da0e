/**
 * Verification keys prepared once: a node KeyObject (what jose verifies with, no per-request
 * import) plus the algorithms it may verify, so a token's `alg` can never pick a key of another
 * kind (an RSA public key used as an HMAC secret, say).
 */
import { createPublicKey, createSecretKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface SigningKey {
  /** Matched against the token's `kid`; undefined: tried for any token. */
  readonly id: string | undefined;
  readonly key: KeyObject;
  readonly algorithms: ReadonlySet<string>;
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const RSA_PSS = ['PS256', 'PS384', 'PS512'];
const EC_BY_CURVE: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const EDDSA = ['EdDSA', 'Ed25519'];

/** jose refuses RSA keys under 2048 bits for RS and PS algorithms; say so when the key is configured. */
export const MIN_RSA_BITS = 2048;

/** Algorithms a key of this kind verifies; empty for keys jose cannot verify with. */
export function algorithmsFor(key: KeyObject): string[] {
  if (key.type === 'secret') return HMAC;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA;
    case 'rsa-pss':
      return RSA_PSS;
    case 'ec': {
      const alg = EC_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg === undefined ? [] : [alg];
    }
    case 'ed25519':
      return EDDSA;
    default:
      return [];
  }
}

export function symmetricKey(id: string | undefined, bytes: Buffer): SigningKey {
  return { id, key: createSecretKey(bytes), algorithms: new Set(HMAC) };
}

/** An RSA public key from its base64url modulus and exponent; throws when they do not make one. */
export function rsaKey(id: string | undefined, n: string, e: string): SigningKey {
  const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  return { id, key, algorithms: new Set(RSA) };
}

/**
 * The public key of a PEM certificate (the first of a chain), verifying what its kind allows;
 * throws when the PEM is not a certificate. The certificate's dates are not checked: like
 * APIM, a certificate resource here is only a way to hold a public key.
 */
export function certificateKey(id: string | undefined, pem: string): SigningKey {
  const key = new X509Certificate(pem).publicKey;
  return { id, key, algorithms: new Set(algorithmsFor(key)) };
}

/** Standard or URL-safe base64, padding optional; null when the text is not base64. */
export function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Bits of an RSA key's modulus, or undefined for other keys. */
export function rsaBits(key: KeyObject): number | undefined {
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss' ? key.asymmetricKeyDetails?.modulusLength : undefined;
}

/**
 * A key from a JWKS entry, or null when the entry is not a usable public signing key
 * (an encryption key, a symmetric key, a malformed or too-weak one).
 */
export function keyFromJwk(entry: unknown): SigningKey | null {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return null;
  const jwk = entry as Record<string, unknown>;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return null;
  const key = publicKeyOf(jwk);
  if (key === null) return null;
  const bits = rsaBits(key);
  if (bits !== undefined && bits < MIN_RSA_BITS) return null;
  let algorithms = algorithmsFor(key);
  if (typeof jwk.alg === 'string') algorithms = algorithms.includes(jwk.alg) ? [jwk.alg] : [];
  if (algorithms.length === 0) return null;
  return { id: typeof jwk.kid === 'string' ? jwk.kid : undefined, key, algorithms: new Set(algorithms) };
}

function publicKeyOf(jwk: Record<string, unknown>): KeyObject | null {
  try {
    // Only the public members: a JWKS that leaks a private part must not make us hold it.
    const { kty, crv, n, e, x, y } = jwk;
    const members = Object.fromEntries(Object.entries({ kty, crv, n, e, x, y }).filter(([, v]) => v !== undefined));
    if (members.n !== undefined || members.x !== undefined) return createPublicKey({ key: members as JsonWebKey, format: 'jwk' });
    // Some issuers publish only the certificate chain.
    const chain = jwk.x5c;
    if (Array.isArray(chain) && typeof chain[0] === 'string') return new X509Certificate(Buffer.from(chain[0], 'base64')).publicKey;
    return null;
  } catch {
    return null;
  }
}
