import { forbiddenBackendHostReason } from './address-policy.js';
import type { BackendTls } from './backend-tls.js';
import { DEFAULT_BACKEND_TLS, tlsPoolSuffix } from './backend-tls.js';
import type { UpstreamPool } from './http1/types.js';

/**
 * One backend base URL, compiled once per snapshot. `dispatcher` is the shared keep-alive
 * pool for its origin, attached when the runtime holding this target goes live.
 */
export interface BackendTarget {
  /** The base URL as configured. */
  readonly url: string;
  /** `http://host:port`, what the pool connects to. */
  readonly origin: string;
  /** The URL's host name, lower-case (IPv6 in brackets): compared with a policy-set Host. */
  readonly hostName: string;
  /** Path prefix of the base URL without a trailing '/', '' for none. */
  readonly basePath: string;
  /** False when the backend's TLS certificate chain is not to be validated. */
  readonly rejectUnauthorized: boolean;
  /** How TLS to an https: origin is checked, and the client certificate presented. */
  readonly tls: BackendTls;
  /** Pools are shared by origin and TLS settings; this names one. */
  readonly poolKey: string;
  dispatcher: UpstreamPool | null;
}

export interface BackendTargetOptions {
  allowLinkLocalBackends: boolean;
  rejectUnauthorized?: boolean;
  /** TLS settings; `rejectUnauthorized` above wins over `tls.rejectUnauthorized` when given. */
  tls?: BackendTls;
}

/** Thrown for a base URL the gateway will not send requests to; the message says why. */
export class BackendUrlError extends Error {}

export function compileBackendTarget(url: string, options: BackendTargetOptions): BackendTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BackendUrlError(`'${url}' is not a valid absolute URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BackendUrlError(`'${url}' uses '${parsed.protocol}'; only http: and https: backends are supported.`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new BackendUrlError('A backend URL must not carry credentials; use a policy or backend credentials instead.');
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new BackendUrlError(`'${url}' must not have a query or fragment.`);
  }
  if (!options.allowLinkLocalBackends) {
    const reason = forbiddenBackendHostReason(parsed.hostname);
    if (reason !== null) throw new BackendUrlError(`'${url}' points at ${reason}, which backends may not target.`);
  }
  const base = options.tls ?? DEFAULT_BACKEND_TLS;
  const tls = options.rejectUnauthorized === undefined ? base : { ...base, rejectUnauthorized: options.rejectUnauthorized };
  const basePath = parsed.pathname.endsWith('/') ? parsed.pathname.slice(0, -1) : parsed.pathname;
  return withTls({ url, origin: parsed.origin, hostName: parsed.hostname.toLowerCase(), basePath, rejectUnauthorized: true, tls, poolKey: '', dispatcher: null }, tls);
}

/**
 * The same target with other TLS settings (a policy's client certificate): its own pool,
 * since connections carry the TLS identity they were opened with.
 */
export function withTls(target: BackendTarget, tls: BackendTls): BackendTarget {
  const https = target.origin.startsWith('https:');
  return {
    url: target.url,
    origin: target.origin,
    hostName: target.hostName,
    basePath: target.basePath,
    rejectUnauthorized: tls.rejectUnauthorized,
    tls,
    // Plain-HTTP origins share one pool whatever their TLS settings say.
    poolKey: https ? target.origin + tlsPoolSuffix(tls) : target.origin,
    dispatcher: null,
  };
}

/** Backend base path + the request's path after the API path + its query, as APIM builds it. */
export function backendRequestPath(target: BackendTarget, remainder: string, rawQuery: string): string {
  const path = target.basePath + remainder;
  const withRoot = path === '' ? '/' : path;
  return rawQuery === '' ? withRoot : `${withRoot}?${rawQuery}`;
}
