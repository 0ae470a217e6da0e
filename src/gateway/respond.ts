import { Readable, pipeline } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { GatewayResponseMessage, RequestContext, StreamedBody } from './context.js';
import { PolicyFailure } from '../policies/engine/failures.js';
import { GATEWAY_MESSAGES, GatewayError, preallocatedError } from './errors.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sends `ctx.response`: head, then the body (streamed when it is a stream). */
export function sendResponse(ctx: RequestContext): void {
  const { res } = ctx;
  const response = ctx.response;
  if (response === null || res.destroyed) {
    discardResponseBody(ctx);
    return;
  }
  if (response.statusMessage === undefined) res.writeHead(response.statusCode, response.headers);
  else res.writeHead(response.statusCode, response.statusMessage, response.headers);
  const body = response.body;
  if (body === null) res.end();
  else if (typeof body === 'string' || Buffer.isBuffer(body)) res.end(body);
  else if (body instanceof Readable) pipeline(body, res, ignoreStreamEnd);
  else body.pipeTo(res);
}

function ignoreStreamEnd(): void {
  // Errors here are the client or backend going away mid-body; the sockets are already torn down.
}

/** Drops a response the pipeline will not send (e.g. replaced by an error), freeing its stream. */
function isStream(body: GatewayResponseMessage['body'] | undefined): body is StreamedBody | Readable {
  return typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
}

export function discardResponseBody(ctx: RequestContext): void {
  const body = ctx.response?.body;
  if (isStream(body)) body.destroy();
}

/**
 * Answers with the gateway's JSON error. A GatewayError or a policy's deliberate refusal
 * (PolicyFailure: ip-filter, check-header…) is sent with its status and message; anything
 * else is an internal fault: logged, answered with a bare 500, never with its message or stack.
 */
export function sendError(ctx: RequestContext, err: unknown): void {
  const { res } = ctx;
  let error: GatewayError | PolicyFailure;
  if (err instanceof GatewayError || err instanceof PolicyFailure) error = err;
  else {
    ctx.settings.logger?.error({ err, api: ctx.api?.id, operation: ctx.operation?.id }, 'gateway internal error');
    error = INTERNAL_ERROR;
  }
  if (res.destroyed) return;
  if (res.headersSent) {
    // Too late for a status: cutting the connection is the only honest signal left.
    res.destroy();
    return;
  }
  // A malformed request may have left its body unread; do not reuse the connection.
  const close = error.status === 400 || error.status === 413;
  writeJson(res, error.status, error.body, close, error instanceof PolicyFailure ? error.headers : undefined);
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: string,
  closeConnection = false,
  extraHeaders?: Readonly<Record<string, string>>,
): void {
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
  };
  if (closeConnection) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

const INTERNAL_ERROR = preallocatedError(500, 'InternalError', GATEWAY_MESSAGES.internal);
