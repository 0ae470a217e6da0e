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
  // headersSent: the request was already answered (onClientError, edge/client-errors.ts).
  if (response === null || res.destroyed || res.headersSent) {
    discardResponseBody(ctx);
    return;
  }
  // A copy, not a change: a policy's headers object may be shared by every response it makes.
  const headers = leavesBodyUnread(ctx) ? { ...response.headers, connection: 'close' } : response.headers;
  if (response.statusMessage === undefined) res.writeHead(response.statusCode, headers);
  else res.writeHead(response.statusCode, response.statusMessage, headers);
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
    // Mid-body, too late for a status: cutting the connection is the only honest signal
    // left. A response already ended (onClientError answered) is left to finish.
    if (!res.writableEnded) res.destroy();
    return;
  }
  // 400/413: a malformed or oversized request's framing is not trusted for a next request,
  // even when its body was read; any other answer closes only if the body is unread.
  const close = error.status === 400 || error.status === 413 || leavesBodyUnread(ctx);
  writeJson(res, error.status, error.body, close, error instanceof PolicyFailure ? error.headers : undefined);
}

/**
 * The client may still be sending a body nobody will read (a refusal, a policy's answer or
 * a backend's early reply came first). Such a connection is not reused: keeping it would
 * mean reading — past the body cap, without end — whatever the client keeps sending, and
 * answering its request timeout with a second response. So the answer carries
 * `connection: close`, and node ends the socket once the response is written (it does so
 * for every response whose head says close), dropping the rest of the upload.
 *
 * A request without a body is not pending even though node marks it complete only after
 * its handler ran: refusals of body-less requests keep the connection.
 */
function leavesBodyUnread(ctx: RequestContext): boolean {
  return !ctx.req.complete && (ctx.chunked || ctx.contentLength > 0);
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
