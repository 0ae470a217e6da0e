import type { RequestContext } from './context.js';
import { NOMINATED_RELIED_ON_HEADER, inspectRequestHeaders } from './edge/request-headers.js';
import { normaliseRequestPath, pathFrom } from './edge/request-path.js';
import { OPERATION_NOT_FOUND, PAYLOAD_TOO_LARGE, preallocatedError } from './errors.js';
import { discardResponseBody, sendError, sendResponse } from './respond.js';
import type { OperationPipeline } from './policy-hooks.js';
import { checkSubscription } from './subscriptions.js';
import { forwardToBackend } from './upstream/forward.js';

const CLIMBS_OUT_OF_API = preallocatedError(400, 'BadRequest', 'The request path climbs out of the API path.');

/**
 * The request flow, as named phases:
 *
 *   edge → route → subscription → inbound → backend → outbound → (on-error) → respond
 *
 * The first three are synchronous and need no policy; they run straight through and
 * answer their own refusals. The policy phases come from the operation's compiled
 * pipeline (chosen by product context); the backend phase defaults to forwarding.
 * Every phase reads and writes the one RequestContext; nothing here allocates a closure.
 */
export function runPipeline(ctx: RequestContext): void {
  try {
    edgePhase(ctx);
    routePhase(ctx);
    if (ctx.method === 'OPTIONS' && preflightPhase(ctx)) {
      sendResponse(ctx);
      return;
    }
    subscriptionPhase(ctx);
  } catch (err) {
    sendError(ctx, err);
    return;
  }
  void policyPhases(ctx);
}

/** Header hygiene, body size cap, path normalisation, forwarding headers (see DESIGN "Edge rules"). */
export function edgePhase(ctx: RequestContext): void {
  const { req } = ctx;
  // HTTP/1.1 requires Host (node's own check is off: it answers with an empty body).
  inspectRequestHeaders(req.rawHeaders, ctx, req.httpVersionMinor !== 0);
  if (ctx.contentLength > ctx.settings.maxRequestBodyBytes) throw PAYLOAD_TOO_LARGE;

  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  ctx.path = normaliseRequestPath(queryAt === -1 ? url : url.slice(0, queryAt));
  ctx.query = queryAt === -1 ? '' : url.slice(queryAt + 1);

  const headers = ctx.forwardHeaders;
  const client = ctx.clientIp;
  headers['x-forwarded-for'] = ctx.forwardedFor === null ? client : `${ctx.forwardedFor}, ${client}`;
  headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  if (ctx.host !== '') headers['x-forwarded-host'] = ctx.host;
}

/** API by path prefix, then operation by method and template; 404 when nothing matches. */
export function routePhase(ctx: RequestContext): void {
  const path = ctx.path!;
  let match = ctx.runtime.router.match(ctx.method, path, ctx.query, ctx.forwardHeaders);
  // A CORS preflight names the method it asks about; it is routed to that operation so
  // its cors policy can answer (APIM does the same before any subscription check).
  const asked = match === null && ctx.method === 'OPTIONS' ? preflightMethod(ctx) : undefined;
  if (asked !== undefined) match = ctx.runtime.router.match(asked, path, ctx.query, ctx.forwardHeaders);
  if (match === null) throw OPERATION_NOT_FOUND;
  if (path.lowestDepthAfterPop < match.apiDepth) throw CLIMBS_OUT_OF_API;

  const { api, operation } = match;
  const tokens = ctx.connectionTokens;
  if (tokens !== null && (tokens.includes(api.keyHeader) || (api.versionHeader !== null && tokens.includes(api.versionHeader)))) {
    throw NOMINATED_RELIED_ON_HEADER;
  }
  ctx.api = api;
  ctx.operation = operation;
  ctx.matchedParameters = match.matchedParameters;
  ctx.backendPath = pathFrom(path, match.apiDepth);
  ctx.backend = operation.target;
}

/**
 * Answers a CORS preflight from the operation's cors policy, before the subscription check
 * (browsers send no key on a preflight). True when answered. A preflight routed to another
 * method's operation (see routePhase) that no cors policy answers is a 404, as before.
 */
export function preflightPhase(ctx: RequestContext): boolean {
  const operation = ctx.operation!;
  if (preflightMethod(ctx) !== undefined && ctx.forwardHeaders.origin !== undefined) {
    const answer = operation.pipeline?.preflight ?? firstProductPreflight(operation.productPipelines);
    if (answer !== undefined && answer(ctx)) return true;
  }
  if (operation.method !== 'OPTIONS' && operation.method !== '*') throw OPERATION_NOT_FOUND;
  return false;
}

function preflightMethod(ctx: RequestContext): string | undefined {
  const asked = ctx.forwardHeaders['access-control-request-method'];
  return typeof asked === 'string' && asked !== '' ? asked.toUpperCase() : undefined;
}

/** A cors policy at product scope only: any product's answers (the key that picks one is not sent). */
function firstProductPreflight(pipelines: ReadonlyMap<string, OperationPipeline> | null): OperationPipeline['preflight'] {
  if (pipelines === null) return undefined;
  for (const pipeline of pipelines.values()) if (pipeline.preflight !== undefined) return pipeline.preflight;
  return undefined;
}

/** Subscription key check; then the operation's policy pipeline for the call's product context. */
export function subscriptionPhase(ctx: RequestContext): void {
  const api = ctx.api!;
  checkSubscription(ctx, api, ctx.runtime.subscriptions);
  const operation = ctx.operation!;
  const product = ctx.product;
  ctx.pipeline = (product !== null ? operation.productPipelines?.get(product.id) : undefined) ?? operation.pipeline;
}

/** Never rejects: every failure ends in a response (or a torn-down connection). */
async function policyPhases(ctx: RequestContext): Promise<void> {
  const pipeline = ctx.pipeline;
  try {
    if (pipeline !== null) {
      // A phase's result is awaited only when it is a promise: sync policies cost no microtask.
      let pending = pipeline.inbound?.(ctx);
      if (pending !== undefined) await pending;
      if (ctx.response === null) {
        pending = pipeline.backend !== undefined ? pipeline.backend(ctx) : forwardToBackend(ctx);
        if (pending !== undefined) await pending;
      }
      pending = pipeline.outbound?.(ctx);
      if (pending !== undefined) await pending;
    } else {
      await forwardToBackend(ctx);
    }
    sendResponse(ctx);
  } catch (err) {
    try {
      await onErrorPhase(ctx, err);
    } catch (fatal) {
      sendError(ctx, fatal);
    }
  }
}

/**
 * APIM's on-error: the failed phase's partial response is dropped, the error is put on
 * `ctx.lastError`, and the pipeline's on-error section may build a response. Without
 * one (or if it fails too) the gateway's own error response is sent.
 */
async function onErrorPhase(ctx: RequestContext, err: unknown): Promise<void> {
  discardResponseBody(ctx);
  ctx.response = null;
  ctx.lastError = err;
  const onError = ctx.pipeline?.onError;
  if (onError !== undefined) {
    try {
      const pending = onError(ctx);
      if (pending !== undefined) await pending;
    } catch (secondary) {
      discardResponseBody(ctx);
      ctx.response = null;
      ctx.lastError = secondary;
    }
  }
  if (ctx.response !== null) sendResponse(ctx);
  else sendError(ctx, ctx.lastError);
}
