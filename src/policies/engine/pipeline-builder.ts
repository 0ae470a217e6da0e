/**
 * Merged sections → the gateway's OperationPipeline. Each phase is a small closure over its
 * prepared steps; phases with nothing to do are left out, and an operation whose policies
 * are all defaults gets no pipeline at all (the gateway then just forwards).
 */
import type { PolicyContext } from '../contract/context.js';
import type { OperationPipeline, PipelinePhase } from '../contract/pipeline.js';
import { collectBody, isStreamBody } from '../http/bodies.js';
import { emptyResponse } from '../http/messages.js';
import type { PolicySectionName } from '../xml/index.js';
import { stateOf } from './request-state.js';
import { runSteps } from './runner.js';
import type { StepEntry } from './steps.js';

/** Inbound policies that act once the response is known (headers, increment-condition). */
const RESPONSE_DECORATING_POLICIES: ReadonlySet<string> = new Set(['rate-limit', 'rate-limit-by-key', 'quota', 'quota-by-key']);

export type MergedSections = Readonly<Record<PolicySectionName, readonly StepEntry[]>>;

export function buildPipeline(sections: MergedSections, defaultForward: StepEntry, maxBufferedBodyBytes: number): OperationPipeline | undefined {
  const { inbound, backend, outbound } = sections;
  const onError = sections['on-error'];
  const defaultBackend = backend.length === 1 && backend[0] === defaultForward;
  const preflight = inbound.find((step) => step.preflight !== undefined)?.preflight;
  if (inbound.length === 0 && defaultBackend && outbound.length === 0 && onError.length === 0) return undefined;

  const pipeline: OperationPipeline = {};
  if (inbound.length > 0) pipeline.inbound = sectionPhase(inbound, maxBufferedBodyBytes);
  if (!defaultBackend) pipeline.backend = backendPhase(sectionPhase(backend, maxBufferedBodyBytes));
  // cors and the rate limits decorate the response in outbound, so a pipeline with one always has it.
  const decorates = preflight !== undefined || inbound.some((step) => RESPONSE_DECORATING_POLICIES.has(step.site.policy));
  if (outbound.length > 0 || decorates) pipeline.outbound = outboundPhase(sectionPhase(outbound, maxBufferedBodyBytes));
  if (onError.length > 0) pipeline.onError = onErrorPhase(sectionPhase(onError, maxBufferedBodyBytes));
  if (preflight !== undefined) pipeline.preflight = preflight;
  return pipeline;
}

/** Runs the steps; buffers the bodies the section's expressions may read first (async only then). */
function sectionPhase(steps: readonly StepEntry[], limit: number): PipelinePhase {
  const request = steps.some((s) => s.needs.requestBody);
  const response = steps.some((s) => s.needs.responseBody);
  if (!request && !response) return (ctx) => runSteps(steps, ctx);
  return async (ctx) => {
    if (request) await bufferRequestForExpressions(ctx);
    if (response) await bufferResponseForExpressions(ctx, limit);
    const pending = runSteps(steps, ctx);
    if (pending !== undefined) await pending;
  };
}

export async function bufferRequestForExpressions(ctx: PolicyContext): Promise<void> {
  const state = stateOf(ctx);
  if (state.requestBody === undefined) state.requestBody = await ctx.bufferRequestBody();
}

export async function bufferResponseForExpressions(ctx: PolicyContext, limit: number): Promise<void> {
  const response = ctx.response;
  if (response !== null && isStreamBody(response.body)) response.body = await collectBody(response.body, limit);
}

/** A backend section that did not produce a response (no forward-request) answers an empty 200. */
function backendPhase(run: PipelinePhase): PipelinePhase {
  return (ctx) => {
    const pending = run(ctx);
    if (pending !== undefined) return pending.then(() => ensureResponse(ctx));
    ensureResponse(ctx);
  };
}

function ensureResponse(ctx: PolicyContext): void {
  ctx.response ??= emptyResponse();
}

/** Skipped after return-response (APIM ends the pipeline there); response decorators still apply. */
function outboundPhase(run: PipelinePhase): PipelinePhase {
  return (ctx) => {
    if (ctx.policyState?.ended !== true) {
      ensureResponse(ctx);
      const pending = run(ctx);
      if (pending !== undefined) return pending.then(() => decorate(ctx));
    }
    decorate(ctx);
  };
}

function onErrorPhase(run: PipelinePhase): PipelinePhase {
  return (ctx) => {
    const state = stateOf(ctx);
    state.ended = false;
    state.inOnError = true;
    const pending = run(ctx);
    if (pending !== undefined) return pending.then(() => decorate(ctx));
    decorate(ctx);
  };
}

function decorate(ctx: PolicyContext): void {
  const decorators = ctx.policyState?.responseDecorators;
  const response = ctx.response;
  if (decorators == null || response === null) return;
  for (const decorator of decorators) decorator(response);
}
