/** `context.LastError`: what failed, where, and why, in APIM's vocabulary. */
import { ExpressionEvaluationError, type LastErrorInfo } from '../../expressions/index.js';
import { PorticoError } from '../../model/errors.js';
import type { PolicyContext } from '../contract/context.js';
import { PolicyFailure } from './failures.js';
import type { PolicyRequestState } from './request-state.js';
import type { StepSite } from './steps.js';

const cache = new WeakMap<PolicyRequestState, { error: unknown; info: LastErrorInfo }>();

export function lastErrorOf(ctx: PolicyContext, state: PolicyRequestState): LastErrorInfo | null {
  const error = ctx.lastError;
  if (error === null || error === undefined) return null;
  const cached = cache.get(state);
  if (cached !== undefined && cached.error === error) return cached.info;
  const info = describe(error, state.failure !== null && state.failure.error === error ? state.failure.site : null);
  cache.set(state, { error, info });
  return info;
}

function describe(error: unknown, site: StepSite | null): LastErrorInfo {
  const reason = reasonOf(error);
  const backend = reason.startsWith('Backend');
  return {
    Source: site?.policy ?? (backend ? 'forward-request' : 'gateway'),
    Reason: reason,
    Message: messageOf(error),
    Scope: site?.scope ?? (backend ? 'global' : ''),
    Section: site?.section ?? (backend ? 'backend' : ''),
    Path: site?.path ?? (backend ? 'forward-request[1]' : ''),
    PolicyId: site?.policyId ?? '',
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof PolicyFailure) return error.reason;
  if (error instanceof ExpressionEvaluationError) return 'ExpressionValueEvaluationFailure';
  const reason = (error as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string') return reason;
  return error instanceof PorticoError ? error.code : 'InternalError';
}

/** Only messages written for clients are shown; anything else is an internal fault. */
function messageOf(error: unknown): string {
  if (error instanceof PorticoError) return error.message;
  return 'Internal server error';
}
