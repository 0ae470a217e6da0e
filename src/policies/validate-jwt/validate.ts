/**
 * Validates one token against compiled rules, in the order APIM's token handler does:
 * form, signature, lifetime, audience, issuer, then required claims. Returns the token as the
 * `Jwt` expressions read; a failure throws a JwtRejection naming APIM's reason.
 */
import { compactVerify } from 'jose';
import { parseJwt, type Jwt } from '../../expressions/runtime/jwt.js';
import type { PolicyContext } from '../contract/context.js';
import type { Evaluator } from '../engine/definition.js';
import { JwtRejection, quoted, reject } from './failure.js';
import type { OpenIdKeys, OpenIdKeySource } from './openid-keys.js';
import type { SigningKey } from './signing-keys.js';
import { MAX_TOKEN_LENGTH } from './token-source.js';

/** Strings from the policy (audiences, issuers, claim values): fixed at compile time when all are literals. */
export interface StringList {
  readonly fixed: ReadonlySet<string> | undefined;
  readonly values: readonly Evaluator<string>[];
}

export interface ClaimRule {
  readonly name: string;
  readonly matchAll: boolean;
  readonly separator: string | undefined;
  readonly values: StringList;
}

export interface ValidationRules {
  readonly staticKeys: readonly SigningKey[];
  readonly openId: readonly OpenIdKeySource[];
  readonly requireExpiration: Evaluator<boolean>;
  readonly requireSigned: Evaluator<boolean>;
  readonly clockSkewSeconds: Evaluator<number>;
  readonly audiences: StringList | undefined;
  readonly issuers: StringList | undefined;
  readonly claims: readonly ClaimRule[];
}

/**
 * Signature checks per token: a token without a `kid` is tried against each key of its
 * algorithm, and a hostile one must not make the gateway try a hundred RSA keys.
 */
const MAX_VERIFY_ATTEMPTS = 16;

export function listOf(values: readonly Evaluator<string>[], constants: readonly (string | undefined)[]): StringList {
  const fixed = constants.every((v) => v !== undefined) ? new Set(constants as string[]) : undefined;
  return { fixed, values };
}

function evaluate(list: StringList, ctx: PolicyContext): ReadonlySet<string> {
  return list.fixed ?? new Set(list.values.map((value) => value(ctx)));
}

export async function validateToken(token: string, rules: ValidationRules, ctx: PolicyContext): Promise<Jwt> {
  if (token.length > MAX_TOKEN_LENGTH) reject('JwtInvalid', 'The token is too large.');
  const parts = token.split('.');
  if (parts.length === 5) reject('JwtInvalid', 'The token is encrypted (JWE); Portico validates signed tokens (JWS) only.');
  const jwt = parts.length === 3 ? parseJwt(token) : null;
  if (jwt === null) reject('JwtInvalid', 'The token is not well formed: it must be three base64url segments holding JSON objects.');
  const alg = jwt.header.alg;
  if (typeof alg !== 'string') reject('JwtInvalid', "The token header has no 'alg'.");

  const sets = rules.openId.length === 0 ? [] : await Promise.all(rules.openId.map((source) => source.keys()));
  if (alg === 'none') {
    if (rules.requireSigned(ctx)) reject('TokenSignatureInvalid', 'The token is not signed, and require-signed-tokens is true. Access denied.');
    if (parts[2] !== '') reject('JwtInvalid', "The token says 'alg: none' yet carries a signature.");
    checkHeaderCritical(jwt.header);
  } else {
    await verifySignature(token, alg, jwt.header, rules, sets);
  }

  checkLifetime(jwt.payload, rules, ctx);
  if (rules.audiences !== undefined) checkAudience(jwt.payload.aud, evaluate(rules.audiences, ctx));
  checkIssuer(jwt.payload.iss, rules, sets, ctx);
  checkClaims(jwt.payload, rules.claims, ctx);
  return jwt;
}

/** An unsigned token has no library to refuse unknown critical extensions for it. */
function checkHeaderCritical(header: Record<string, unknown>): void {
  if (header.crit !== undefined) reject('JwtInvalid', "The token header lists critical extensions ('crit') Portico does not understand.");
}

async function verifySignature(
  token: string,
  alg: string,
  header: Record<string, unknown>,
  rules: ValidationRules,
  initial: (OpenIdKeys | null)[],
): Promise<void> {
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  let sets = initial;
  const known = (id: string): boolean => rules.staticKeys.some((k) => k.id === id) || sets.some((set) => set?.kids.has(id) === true);
  if (kid !== undefined && rules.openId.length > 0 && !known(kid)) {
    // Key rotation: the issuer may have published a key after we fetched. Rate-bounded by the source.
    sets = await Promise.all(rules.openId.map((source) => source.keysForUnknownKid()));
  }
  const all = [...rules.staticKeys, ...sets.flatMap((set) => set?.keys ?? [])];
  const candidates = all.filter((k) => (kid === undefined || k.id === undefined || k.id === kid) && k.algorithms.has(alg));
  if (candidates.length === 0) {
    const unavailable = rules.openId.map((source, i) => (sets[i] === null ? source.problem : null)).find((p) => p !== null);
    if (unavailable !== undefined && unavailable !== null) {
      reject('TokenSignatureKeyNotFound', `Signing keys could not be obtained: ${unavailable}. Access denied.`);
    }
    if (kid !== undefined && all.some((k) => k.id === kid)) {
      reject('TokenSignatureInvalid', `The key ${quoted(kid)} does not verify the algorithm ${quoted(alg)}. Access denied.`);
    }
    const which = kid === undefined ? `for the algorithm ${quoted(alg)}` : `with kid ${quoted(kid)}`;
    reject('TokenSignatureKeyNotFound', `No signing key ${which} was found. Access denied.`);
  }
  for (const candidate of candidates.slice(0, MAX_VERIFY_ATTEMPTS)) {
    try {
      await compactVerify(token, candidate.key, { algorithms: [alg] });
      return;
    } catch {
      // Try the next key: several keys may share the algorithm (rollover).
    }
  }
  reject('TokenSignatureInvalid', 'Signature validation failed. Access denied.');
}

function numericDate(payload: Record<string, unknown>, claim: 'exp' | 'nbf'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) reject('JwtInvalid', `The '${claim}' claim is not a number of seconds.`);
  return value;
}

function utc(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

function checkLifetime(payload: Record<string, unknown>, rules: ValidationRules, ctx: PolicyContext): void {
  const now = Date.now() / 1000;
  const skew = rules.clockSkewSeconds(ctx);
  const exp = numericDate(payload, 'exp');
  const nbf = numericDate(payload, 'nbf');
  if (exp === undefined) {
    if (rules.requireExpiration(ctx)) reject('JwtInvalid', 'Lifetime validation failed. The token is missing an Expiration Time.');
  } else if (now > exp + skew) {
    reject('TokenExpired', `Lifetime validation failed. The token is expired. ValidTo (UTC): '${utc(exp)}', Current time (UTC): '${utc(now)}'. Access denied.`);
  }
  if (nbf !== undefined && nbf > now + skew) {
    reject('JwtInvalid', `Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '${utc(nbf)}', Current time (UTC): '${utc(now)}'.`);
  }
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function checkAudience(aud: unknown, allowed: ReadonlySet<string>): void {
  const audiences = stringsOf(aud);
  if (audiences.some((a) => allowed.has(a))) return;
  const shown = audiences.length === 0 ? 'none' : audiences.map(quoted).join(', ');
  reject('TokenAudienceNotAllowed', `Audience validation failed. Audiences: ${shown}. None is an allowed audience. Access denied.`);
}

function checkIssuer(iss: unknown, rules: ValidationRules, sets: (OpenIdKeys | null)[], ctx: PolicyContext): void {
  const discovered = sets.flatMap((set) => (set?.issuer === undefined ? [] : [set.issuer]));
  if (rules.issuers === undefined && discovered.length === 0) return;
  const configured = rules.issuers === undefined ? undefined : evaluate(rules.issuers, ctx);
  if (typeof iss === 'string' && (discovered.includes(iss) || configured?.has(iss) === true)) return;
  const shown = typeof iss === 'string' ? quoted(iss) : 'none';
  reject('TokenIssuerNotAllowed', `Issuer validation failed. Issuer: ${shown}. It is not an allowed issuer. Access denied.`);
}

/** A claim's values as text: array members, or a string split on the claim's separator. */
function claimValues(value: unknown, separator: string | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => claimValues(v, separator));
  if (typeof value === 'string') return separator === undefined || separator === '' ? [value] : value.split(separator).map((v) => v.trim());
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [JSON.stringify(value)];
}

function checkClaims(payload: Record<string, unknown>, claims: readonly ClaimRule[], ctx: PolicyContext): void {
  if (claims.length === 0) return;
  const missing = claims.filter((claim) => !Object.hasOwn(payload, claim.name) || payload[claim.name] === null);
  if (missing.length > 0) {
    throw new JwtRejection('TokenClaimNotFound', `JWT token is missing the following claims: ${missing.map((c) => c.name).join(', ')}. Access denied.`);
  }
  for (const claim of claims) {
    if (claim.values.values.length === 0) continue;
    const expected = evaluate(claim.values, ctx);
    const present = new Set(claimValues(payload[claim.name], claim.separator));
    const ok = claim.matchAll ? [...expected].every((v) => present.has(v)) : [...expected].some((v) => present.has(v));
    if (!ok) {
      const shown = quoted([...present].join(claim.separator ?? ','));
      throw new JwtRejection('TokenClaimValueNotAllowed', `Claim ${claim.name} value of ${shown} is not allowed. Access denied.`);
    }
  }
}
