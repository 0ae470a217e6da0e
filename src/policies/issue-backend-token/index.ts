/**
 * `<issue-backend-token audience="…" [ttl="300"] [header-name="Authorization"] [scheme="Bearer"]
 * [issuer="portico"] [reuse-token="true"] />` (Portico extension, inbound or backend): signs a
 * short-lived ES256 JWT saying which subscription, user, product, API and operation the call
 * came through, and puts it in a header of the backend request, replacing whatever the client
 * sent there. Services verify it against the gateway's JWKS (`/.well-known/portico/jwks.json`,
 * packages/verify). See docs/backend-token.md.
 */
import {
  BACKEND_TOKEN_DEFAULT_TTL_SECONDS,
  BACKEND_TOKEN_MAX_TTL_SECONDS,
  BACKEND_TOKEN_MIN_TTL_SECONDS,
  DEFAULT_BACKEND_TOKEN_ISSUER,
} from '../../model/signing-keys.js';
import type { PolicyContext } from '../contract/context.js';
import { constantOf, type PolicyDefinition } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { isGatewayOwnedHeader, isValidHeaderName } from '../http/headers.js';
import { activeSigner, type PorticoClaims } from './signer.js';
import { reuseWindowMs, TokenCache } from './token-cache.js';

/** The Portico claims, by what they name. Absent when the call has none (e.g. no subscription). */
export const BACKEND_TOKEN_CLAIMS = {
  subscription: 'subscription_id',
  user: 'user_id',
  product: 'product_id',
  api: 'api_id',
  operation: 'operation_id',
} as const;

/** Audiences are short identifiers or URLs; a longer one is a mistake, not a need. */
const MAX_AUDIENCE_LENGTH = 512;

const NO_KEY = (): PolicyFailure =>
  new PolicyFailure(500, 'BackendTokenKeyMissing', 'The gateway has no token-signing key yet; the backend token cannot be issued.');
const BAD_AUDIENCE = (): PolicyFailure =>
  new PolicyFailure(500, 'BackendTokenAudienceInvalid', `The backend token audience must be 1 to ${MAX_AUDIENCE_LENGTH} characters.`);

export const issueBackendTokenPolicy: PolicyDefinition = {
  name: 'issue-backend-token',
  sections: ['inbound', 'backend'],
  attributes: {
    audience: { required: true },
    ttl: { type: 'int', min: BACKEND_TOKEN_MIN_TTL_SECONDS, max: BACKEND_TOKEN_MAX_TTL_SECONDS, expression: false },
    'header-name': { expression: false },
    scheme: { expression: false },
    issuer: { expression: false },
    'reuse-token': { type: 'bool', expression: false },
  },
  compile(element, c) {
    const audience = c.requiredString(element, 'audience');
    const fixedAudience = constantOf(audience)?.value;
    if (fixedAudience !== undefined && c.mode === 'compile' && !validAudience(fixedAudience)) {
      c.fail('InvalidAttributeValue', `<${element.name}> audience must be 1 to ${MAX_AUDIENCE_LENGTH} characters`, element);
    }
    const ttlSeconds = constantOf(c.int(element, 'ttl', BACKEND_TOKEN_DEFAULT_TTL_SECONDS)!)?.value ?? BACKEND_TOKEN_DEFAULT_TTL_SECONDS;
    const headerName = (c.literal(element, 'header-name') ?? 'Authorization').trim();
    const lowerHeader = headerName.toLowerCase();
    const unresolved = c.mode === 'check' && headerName.includes('{{');
    if (!unresolved && (!isValidHeaderName(headerName) || isGatewayOwnedHeader(lowerHeader))) {
      c.fail('InvalidAttributeValue', `<${element.name}> header-name '${headerName}' is not a header the gateway can set`, element);
    }
    const scheme = (c.literal(element, 'scheme') ?? 'Bearer').trim();
    if (/[\s\0]/.test(scheme)) c.fail('InvalidAttributeValue', `<${element.name}> scheme must be one word (or empty)`, element);
    const prefix = scheme === '' ? '' : `${scheme} `;
    const issuer = (c.literal(element, 'issuer') ?? DEFAULT_BACKEND_TOKEN_ISSUER).trim();
    if (issuer === '') c.fail('InvalidAttributeValue', `<${element.name}> issuer cannot be empty`, element);
    const reuse = constantOf(c.bool(element, 'reuse-token', true))?.value ?? true;

    const signer = activeSigner(c.snapshot?.signingKeys);
    const cache = new TokenCache(reuse ? reuseWindowMs(ttlSeconds) : 0);

    const issue = (ctx: PolicyContext, aud: string, nowMs: number, cacheKey: string): Promise<string> => {
      if (signer === undefined) return Promise.reject(NO_KEY());
      const pending = signer.sign({ issuer, audience: aud, ttlSeconds, claims: claimsOf(ctx), nowMs });
      return cache.store(cacheKey, nowMs, pending);
    };

    return (ctx) => {
      const aud = fixedAudience ?? audience(ctx);
      if (fixedAudience === undefined && !validAudience(aud)) throw BAD_AUDIENCE();
      const nowMs = Date.now();
      const cacheKey = cacheKeyOf(ctx, aud);
      const found = cache.lookup(cacheKey, nowMs) ?? issue(ctx, aud, nowMs, cacheKey);
      if (typeof found === 'string') {
        ctx.forwardHeaders[lowerHeader] = prefix + found;
        return;
      }
      return found.then((token) => {
        ctx.forwardHeaders[lowerHeader] = prefix + token;
      });
    };
  },
};

function validAudience(value: string): boolean {
  return value.length > 0 && value.length <= MAX_AUDIENCE_LENGTH;
}

function claimsOf(ctx: PolicyContext): PorticoClaims {
  const claims: Record<string, string> = {};
  if (ctx.subscription) claims[BACKEND_TOKEN_CLAIMS.subscription] = ctx.subscription.id;
  const owner = ctx.subscription?.source.ownerId;
  if (owner) claims[BACKEND_TOKEN_CLAIMS.user] = owner;
  if (ctx.product) claims[BACKEND_TOKEN_CLAIMS.product] = ctx.product.id;
  if (ctx.api) claims[BACKEND_TOKEN_CLAIMS.api] = ctx.api.id;
  if (ctx.operation) claims[BACKEND_TOKEN_CLAIMS.operation] = ctx.operation.id;
  return claims;
}

/** The claims a token carries depend on exactly these; NUL cannot occur in any of them. */
function cacheKeyOf(ctx: PolicyContext, audience: string): string {
  return `${ctx.subscription?.id ?? ''}\0${ctx.product?.id ?? ''}\0${ctx.api?.id ?? ''}\0${ctx.operation?.id ?? ''}\0${audience}`;
}
