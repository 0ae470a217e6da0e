/** The response a policy writes to: the backend's, or — in on-error — the error response being built. */
import type { PolicyContext, PolicyResponse } from '../contract/context.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const INTERNAL_BODY = JSON.stringify({ statusCode: 500, message: 'Internal server error' });

/** A new, empty 200 response. */
export function emptyResponse(): PolicyResponse {
  return { statusCode: 200, headers: { 'content-length': 0 }, body: null };
}

/**
 * `ctx.response`, created when there is none: in on-error it starts as the error the
 * caller would otherwise get (status and JSON body), so set-header or set-status there
 * adjust that answer; elsewhere it starts empty.
 */
export function responseForWrite(ctx: PolicyContext): PolicyResponse {
  if (ctx.response !== null) return ctx.response;
  const response = ctx.policyState?.inOnError === true ? errorResponse(ctx.lastError) : emptyResponse();
  ctx.response = response;
  return response;
}

/** The gateway's answer for an error: its status and public body, or a bare 500. */
export function errorResponse(error: unknown): PolicyResponse {
  const candidate = error as { status?: unknown; body?: unknown } | null;
  const known = typeof candidate?.status === 'number' && typeof candidate.body === 'string';
  const statusCode = known ? (candidate.status as number) : 500;
  const body = known ? (candidate.body as string) : INTERNAL_BODY;
  return {
    statusCode,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) },
    body,
  };
}
