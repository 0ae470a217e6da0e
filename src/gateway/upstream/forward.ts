import { Transform, type TransformCallback, type Readable } from 'node:stream';
import type { RequestContext } from '../context.js';
import { CLIENT_CLOSED_REQUEST, GATEWAY_MESSAGES, GatewayError, PAYLOAD_TOO_LARGE, preallocatedError } from '../errors.js';
import { backendRequestPath } from './backend-target.js';
import { UpstreamExchange } from './upstream-exchange.js';
import { UPSTREAM_TIMEOUT_CODES } from './http1/types.js';

const BACKEND_NOT_CONFIGURED = preallocatedError(500, 'BackendNotConfigured', GATEWAY_MESSAGES.backendNotConfigured);


/**
 * The default backend phase (APIM's `forward-request`): sends the request to
 * `ctx.backend`, streaming the client's body into the backend's pool, and resolves once the
 * backend's status and headers are in `ctx.response` (hop-by-hop headers removed; the
 * body held as a stream until sent). Nothing is buffered in either direction.
 * Failures become 502 (unreachable) or 504 (timed out).
 */
export function forwardToBackend(ctx: RequestContext): Promise<void> {
  const chosen = ctx.backend;
  if (chosen === null) return Promise.reject(BACKEND_NOT_CONFIGURED);
  // authentication-certificate: the same backend, over connections presenting that certificate.
  const certificate = ctx.backendClientCertificate;
  const presenting = certificate == null ? chosen : ctx.runtime.presenting(chosen, certificate);
  // A Host a policy set: over TLS, also the server name (its own pool).
  const host = ctx.forwardHeaders.host;
  const target = typeof host === 'string' ? ctx.runtime.addressedAs(presenting, host) : presenting;
  const dispatcher = target.dispatcher;
  if (dispatcher === null) return Promise.reject(new Error(`backend ${target.origin} has no pool attached`));

  const exchange = new UpstreamExchange(ctx, backendFailure);
  ctx.upstream = exchange;
  dispatcher.dispatch(
    {
      method: ctx.method,
      path: backendRequestPath(target, ctx.backendPath, ctx.query),
      headers: ctx.forwardHeaders,
      body: ctx.requestBody === undefined ? requestBody(ctx) : bufferedBody(ctx, ctx.requestBody),
      headersTimeout: ctx.backendTimeoutMs,
      bodyTimeout: ctx.backendTimeoutMs,
    },
    exchange,
  );
  return exchange.started;
}

/**
 * The body to stream upstream, or null for none. A declared Content-Length was already
 * checked against the cap (and node enforces it); a chunked body is counted as it flows.
 */
function requestBody(ctx: RequestContext): Readable | null {
  if (ctx.chunked) return ctx.req.pipe(new BodySizeLimit(ctx));
  return ctx.contentLength > 0 ? ctx.req : null;
}

/**
 * A body a policy buffered or replaced: sent with a Content-Length that matches it
 * (the client's length, or its chunked framing, no longer describes it).
 */
function bufferedBody(ctx: RequestContext, body: Buffer | null): Buffer | null {
  const headers = ctx.forwardHeaders;
  if (body === null || body.length === 0) {
    if (headers['content-length'] !== undefined) headers['content-length'] = '0';
    return null;
  }
  headers['content-length'] = String(body.length);
  return body;
}

/** Passes a chunked body through, failing it with 413 once it grows past the cap. */
class BodySizeLimit extends Transform {
  private readonly limit: number;

  constructor(private readonly ctx: RequestContext) {
    super();
    this.limit = ctx.settings.maxRequestBodyBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Kept on the context: quota bandwidth counts a chunked body's bytes from it.
    const seen = (this.ctx.streamedRequestBytes += chunk.length);
    if (seen > this.limit) callback(PAYLOAD_TOO_LARGE);
    else callback(null, chunk);
  }
}

function backendFailure(err: unknown, ctx: RequestContext): GatewayError {
  if (err instanceof GatewayError) return err;
  if (ctx.res.destroyed) return CLIENT_CLOSED_REQUEST;
  const code = (err as { code?: unknown } | null)?.code;
  const timedOut = typeof code === 'string' && UPSTREAM_TIMEOUT_CODES.has(code);
  ctx.settings.logger?.warn(
    { api: ctx.api?.id, operation: ctx.operation?.id, backend: ctx.backend?.origin, code, err: (err as Error)?.message },
    timedOut ? 'backend timed out' : 'backend request failed',
  );
  return timedOut
    ? new GatewayError(504, 'BackendTimeout', GATEWAY_MESSAGES.backendTimeout)
    : new GatewayError(502, 'BackendConnectionFailure', GATEWAY_MESSAGES.backendUnreachable);
}
