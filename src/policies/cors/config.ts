/** A compiled `<cors>`: origin, method and header rules, and the headers it answers with. */
import type { PolicyContext, PolicyResponse } from '../contract/context.js';

export interface CorsConfig {
  readonly allowCredentials: boolean;
  readonly terminateUnmatched: boolean;
  /** Lower-case origins, or null for `*`. */
  readonly origins: ReadonlySet<string> | null;
  /** Upper-case methods, or null for `*`. */
  readonly methods: ReadonlySet<string> | null;
  /** Lower-case header names, or null for `*`. */
  readonly headers: ReadonlySet<string> | null;
  readonly exposeHeaders: readonly string[];
  /** Seconds; 0 sends no Access-Control-Max-Age. */
  readonly maxAge: number;
}

function header(ctx: PolicyContext, name: string): string | undefined {
  const value = ctx.forwardHeaders[name];
  return Array.isArray(value) ? value[0] : value;
}

export function requestOrigin(ctx: PolicyContext): string | undefined {
  return header(ctx, 'origin');
}

export function isPreflight(ctx: PolicyContext): boolean {
  return ctx.method === 'OPTIONS' && header(ctx, 'origin') !== undefined && header(ctx, 'access-control-request-method') !== undefined;
}

export function originAllowed(config: CorsConfig, origin: string): boolean {
  return config.origins === null || config.origins.has(origin.toLowerCase());
}

function allowOriginValue(config: CorsConfig, origin: string): string {
  // With credentials a browser refuses `*`, so the origin is echoed (it matched the rules).
  return config.origins === null && !config.allowCredentials ? '*' : origin;
}

/** Adds the headers of an allowed simple or actual cross-origin request. */
export function decorateActual(config: CorsConfig, origin: string, response: PolicyResponse): void {
  const headers = response.headers;
  headers['access-control-allow-origin'] = allowOriginValue(config, origin);
  if (config.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (config.exposeHeaders.length > 0) headers['access-control-expose-headers'] = config.exposeHeaders.join(', ');
  if (config.origins !== null || config.allowCredentials) appendVary(headers);
}

/**
 * Answers a preflight: 200 with the Access-Control-Allow-* headers when origin, method and
 * headers all match; an empty 200 when they do not and unmatched requests are terminated.
 * False when the preflight does not match and should continue down the pipeline.
 */
export function answerPreflight(config: CorsConfig, ctx: PolicyContext): boolean {
  const origin = header(ctx, 'origin') ?? '';
  const method = (header(ctx, 'access-control-request-method') ?? '').trim().toUpperCase();
  const requested = (header(ctx, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const allowed =
    originAllowed(config, origin) &&
    (config.methods === null || config.methods.has(method)) &&
    (config.headers === null || requested.every((h) => config.headers!.has(h)));
  if (!allowed && !config.terminateUnmatched) return false;
  const headers: PolicyResponse['headers'] = { 'content-length': 0 };
  if (allowed) {
    headers['access-control-allow-origin'] = allowOriginValue(config, origin);
    if (config.allowCredentials) headers['access-control-allow-credentials'] = 'true';
    headers['access-control-allow-methods'] = config.methods === null ? method : [...config.methods].join(', ');
    if (requested.length > 0) headers['access-control-allow-headers'] = requested.join(', ');
    if (config.maxAge > 0) headers['access-control-max-age'] = String(config.maxAge);
    appendVary(headers);
  }
  ctx.response = { statusCode: 200, headers, body: null };
  return true;
}

function appendVary(headers: PolicyResponse['headers']): void {
  const vary = headers.vary;
  if (vary === undefined) headers.vary = 'Origin';
  else if (!String(vary).toLowerCase().split(',').some((v) => v.trim() === 'origin')) headers.vary = `${String(vary)}, Origin`;
}
