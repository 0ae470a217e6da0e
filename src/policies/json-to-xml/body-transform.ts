/**
 * The plumbing json-to-xml and xml-to-json share: read the message's buffered body, decide
 * from Content-Type and Accept whether to convert, write the converted body and its type.
 */
import type { CompileContext, PolicyStep } from '../engine/definition.js';
import type { PolicyContext } from '../contract/context.js';
import { bufferRequestForExpressions, bufferResponseForExpressions } from '../engine/pipeline-builder.js';
import { stateOf } from '../engine/request-state.js';
import { bufferedBytes, replaceResponseBody } from '../http/bodies.js';

export interface BodyTransform {
  /** Converts only when the message's Content-Type matches (apply="content-type-…"); else always. */
  readonly onlyWhenContentType: RegExp | null;
  /** Converts only when the request's Accept header accepts this (consider-accept-header="true"). */
  readonly onlyWhenAccepted: RegExp | null;
  readonly resultContentType: string;
  /** Throws a PolicyFailure when the body is not valid input. */
  convert(text: string): string;
}

export function bodyTransformStep(c: CompileContext, transform: BodyTransform): PolicyStep {
  const limit = c.settings.maxBufferedBodyBytes;
  c.needBody(c.message);
  if (c.message === 'request') {
    return async (ctx) => {
      await bufferRequestForExpressions(ctx);
      const state = stateOf(ctx);
      const body = state.requestBody;
      if (body === undefined || body === null || !applies(ctx, transform, ctx.forwardHeaders['content-type'])) return;
      const converted = Buffer.from(transform.convert(body.toString('utf8')));
      state.requestBody = converted;
      ctx.setRequestBody(converted);
      ctx.forwardHeaders['content-type'] = transform.resultContentType;
    };
  }
  return async (ctx) => {
    await bufferResponseForExpressions(ctx, limit);
    const response = ctx.response;
    const bytes = response === null ? null : bufferedBytes(response.body);
    if (response === null || bytes === null || !applies(ctx, transform, response.headers['content-type'])) return;
    replaceResponseBody(response, transform.convert(bytes.toString('utf8')));
    response.headers['content-type'] = transform.resultContentType;
  };
}

function applies(ctx: PolicyContext, transform: BodyTransform, contentType: unknown): boolean {
  if (transform.onlyWhenContentType !== null && !transform.onlyWhenContentType.test(firstValue(contentType))) return false;
  if (transform.onlyWhenAccepted === null) return true;
  // The caller's Accept: absent or a wildcard accepts anything.
  const accept = firstValue(ctx.forwardHeaders.accept);
  return accept === '' || accept.includes('*/*') || transform.onlyWhenAccepted.test(accept);
}

function firstValue(value: unknown): string {
  if (Array.isArray(value)) return String(value[0] ?? '');
  return typeof value === 'string' ? value : '';
}
