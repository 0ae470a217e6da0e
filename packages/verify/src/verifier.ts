import type { IncomingHttpHeaders } from 'node:http';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { PorticoTokenError } from './errors.js';

/** Where a Portico gateway publishes its public keys. */
export const JWKS_PATH = '/.well-known/portico/jwks.json';

/** The issuer Portico writes unless the policy names another. */
export const DEFAULT_ISSUER = 'portico';

/** The claims Portico adds (see the gateway's docs/backend-token.md). */
export const PORTICO_CLAIMS = {
  subscriptionId: 'subscription_id',
  userId: 'user_id',
  productId: 'product_id',
  apiId: 'api_id',
  operationId: 'operation_id',
} as const;

/** Tokens are small; anything larger is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 8192;
/** The gateway never issues tokens that live longer than an hour. */
const MAX_TOKEN_LIFETIME_SECONDS = 3600;

export interface PorticoVerifierOptions {
  /** The gateway's base URL (`https://gateway.example.com`); the JWKS is fetched from its JWKS_PATH. */
  gatewayUrl?: string | URL;
  /** The JWKS URL itself, instead of `gatewayUrl`. */
  jwksUrl?: string | URL;
  /** A key source of your own (e.g. jose's createLocalJWKSet), instead of fetching. */
  keys?: JWTVerifyGetKey;
  /** The audience (or audiences) this service accepts: the policy's `audience`. Required. */
  audience: string | readonly string[];
  /** The expected `iss`; default 'portico'. */
  issuer?: string;
  /** Where the token is; default 'authorization'. */
  headerName?: string;
  /** The scheme before the token; default 'Bearer' ('' when the header holds the bare token). */
  scheme?: string;
  /** Clock difference tolerated on exp/iat, seconds; default 5. */
  clockToleranceSeconds?: number;
  /** How long fetched keys are trusted before a refetch, ms; default 10 minutes. */
  cacheMaxAgeMs?: number;
  /** Least time between two fetches (an unknown `kid` triggers one), ms; default 30 s. */
  cooldownMs?: number;
  /** JWKS fetch timeout, ms; default 5 s. */
  timeoutMs?: number;
  /** The clock (tests); default the system clock. */
  now?: () => Date;
}

/** Who the call came through, from a verified token. */
export interface PorticoCaller {
  subscriptionId?: string;
  userId?: string;
  productId?: string;
  apiId?: string;
  operationId?: string;
  /** The token's `jti` (one token may serve several requests of a subscription: it is not a request id). */
  tokenId?: string;
  /** `iat` and `exp`, seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** Every claim, for anything else a service wants to read. */
  claims: JWTPayload;
}

export interface PorticoVerifier {
  /** Verifies a bare token (no scheme). Throws PorticoTokenError. */
  verify(token: string): Promise<PorticoCaller>;
  /** Finds the token in request headers (node's IncomingHttpHeaders shape) and verifies it. */
  verifyHeaders(headers: IncomingHttpHeaders): Promise<PorticoCaller>;
}

export function createPorticoVerifier(options: PorticoVerifierOptions): PorticoVerifier {
  const keys = keySourceOf(options);
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  if (audience.length === 0 || (Array.isArray(audience) && audience.some((a) => a === ''))) {
    throw new TypeError('@portico/verify: `audience` is required (the audience the gateway policy names)');
  }
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const headerName = (options.headerName ?? 'authorization').toLowerCase();
  const scheme = options.scheme ?? 'Bearer';
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now;

  const verify = async (token: string): Promise<PorticoCaller> => {
    if (token.length === 0) throw new PorticoTokenError('MissingToken', 'No token.');
    if (token.length > MAX_TOKEN_LENGTH) throw new PorticoTokenError('MalformedToken', 'The token is too long.');
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['ES256'],
        issuer,
        audience,
        typ: 'JWT',
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS + clockTolerance,
        clockTolerance,
        ...(now === undefined ? {} : { currentDate: now() }),
      });
      return callerOf(payload);
    } catch (error) {
      throw translate(error);
    }
  };

  return {
    verify,
    async verifyHeaders(headers) {
      return verify(tokenFrom(headers[headerName], scheme));
    },
  };
}

function keySourceOf(options: PorticoVerifierOptions): JWTVerifyGetKey {
  if (options.keys !== undefined) return options.keys;
  const url = options.jwksUrl ?? (options.gatewayUrl === undefined ? undefined : new URL(JWKS_PATH, options.gatewayUrl));
  if (url === undefined) throw new TypeError('@portico/verify: give `gatewayUrl`, `jwksUrl` or `keys`');
  return createRemoteJWKSet(new URL(url), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
}

/** The token from a header value: one header, the expected scheme (case-insensitive), one space. */
function tokenFrom(value: string | string[] | undefined, scheme: string): string {
  if (value === undefined || value === '') throw new PorticoTokenError('MissingToken', 'The request carries no gateway token.');
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new PorticoTokenError('MalformedToken', 'The request carries more than one gateway token header.');
    value = value[0];
  }
  const text = value.trim();
  if (scheme === '') return text;
  const space = text.indexOf(' ');
  if (space < 0 || text.slice(0, space).toLowerCase() !== scheme.toLowerCase()) {
    throw new PorticoTokenError('MalformedToken', `The gateway token must be sent as '${scheme} <token>'.`);
  }
  return text.slice(space + 1).trim();
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

function callerOf(payload: JWTPayload): PorticoCaller {
  return {
    subscriptionId: stringClaim(payload, PORTICO_CLAIMS.subscriptionId),
    userId: stringClaim(payload, PORTICO_CLAIMS.userId),
    productId: stringClaim(payload, PORTICO_CLAIMS.productId),
    apiId: stringClaim(payload, PORTICO_CLAIMS.apiId),
    operationId: stringClaim(payload, PORTICO_CLAIMS.operationId),
    tokenId: payload.jti,
    issuedAt: payload.iat ?? 0,
    expiresAt: payload.exp ?? 0,
    claims: payload,
  };
}

function translate(error: unknown): PorticoTokenError {
  if (error instanceof PorticoTokenError) return error;
  if (error instanceof errors.JWTExpired) return new PorticoTokenError('TokenExpired', 'The gateway token has expired.', { cause: error });
  // A bare JOSEError (ERR_JOSE_GENERIC) is jose's "the JWKS response was not 200 / not JSON".
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')) {
    return new PorticoTokenError('KeysUnavailable', "The gateway's keys could not be fetched.", { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new PorticoTokenError('InvalidToken', `The gateway token's '${error.claim}' claim is not acceptable.`, { cause: error });
  }
  if (error instanceof errors.JOSEError) return new PorticoTokenError('InvalidToken', 'The gateway token is not valid.', { cause: error });
  // Anything else comes from fetching the keys (network, HTTP status): not the caller's fault.
  return new PorticoTokenError('KeysUnavailable', "The gateway's keys could not be fetched.", { cause: error });
}
