/**
 * Runs a list of steps. Synchronous steps run in a plain loop; the first step that returns
 * a promise switches the rest of the list to async, so a pipeline of sync policies never
 * creates a promise. A step that throws is recorded as the failure site (for
 * `context.LastError`) and the error is rethrown for the gateway to route to on-error.
 */
import type { PolicyContext } from '../contract/context.js';
import { stateOf } from './request-state.js';
import type { StepEntry } from './steps.js';

export function runSteps(steps: readonly StepEntry[], ctx: PolicyContext, from = 0): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    let pending: void | Promise<void>;
    try {
      pending = step.run(ctx);
    } catch (error) {
      throw recordFailure(ctx, error, step);
    }
    if (pending !== undefined) return continueAfter(pending, steps, ctx, i);
    if (ctx.policyState?.ended === true) return;
  }
}

async function continueAfter(pending: Promise<void>, steps: readonly StepEntry[], ctx: PolicyContext, index: number): Promise<void> {
  try {
    await pending;
  } catch (error) {
    throw recordFailure(ctx, error, steps[index]);
  }
  if (ctx.policyState?.ended === true) return;
  const rest = runSteps(steps, ctx, index + 1);
  if (rest !== undefined) await rest;
}

/** The innermost step that saw the error is where it happened; outer ones (choose, retry) keep it. */
function recordFailure(ctx: PolicyContext, error: unknown, step: StepEntry): unknown {
  const state = stateOf(ctx);
  if (state.failure === null || state.failure.error !== error) state.failure = { error, site: step.site };
  return error;
}
