/** What the rate limits report: APIM's 429, its Retry-After and the remaining/total headers and variables. */
import type { HitResult } from '../../counters/types.js';
import type { PolicyContext } from '../contract/context.js';
import type { AttributeSpec, CompileContext } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { stateOf } from '../engine/request-state.js';
import type { PolicyElement } from '../xml/index.js';

/** Longest window accepted: a year (Portico goes beyond APIM's 300 s on purpose). */
export const MAX_RENEWAL_PERIOD_SEC = 366 * 24 * 3600;

export const REPORT_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  'retry-after-header-name': { expression: false },
  'retry-after-variable-name': { expression: false },
  'remaining-calls-header-name': { expression: false },
  'remaining-calls-variable-name': { expression: false },
  'total-calls-header-name': { expression: false },
};

export interface ReportNames {
  readonly retryAfterHeader: string;
  readonly retryAfterVariable: string | undefined;
  readonly remainingHeader: string | undefined;
  readonly remainingVariable: string | undefined;
  readonly totalHeader: string | undefined;
}

export function reportNames(element: PolicyElement, c: CompileContext): ReportNames {
  return {
    retryAfterHeader: c.literal(element, 'retry-after-header-name') ?? 'Retry-After',
    retryAfterVariable: c.literal(element, 'retry-after-variable-name'),
    remainingHeader: c.literal(element, 'remaining-calls-header-name'),
    remainingVariable: c.literal(element, 'remaining-calls-variable-name'),
    totalHeader: c.literal(element, 'total-calls-header-name'),
  };
}

export function refuse(ctx: PolicyContext, result: HitResult, limit: number, names: ReportNames): never {
  const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  const state = stateOf(ctx);
  if (names.retryAfterVariable !== undefined) state.variables.set(names.retryAfterVariable, seconds);
  if (names.remainingVariable !== undefined) state.variables.set(names.remainingVariable, 0);
  const headers: Record<string, string> = { [names.retryAfterHeader]: String(seconds) };
  if (names.remainingHeader !== undefined) headers[names.remainingHeader] = '0';
  if (names.totalHeader !== undefined) headers[names.totalHeader] = String(limit);
  throw new PolicyFailure(429, 'RateLimitExceeded', `Rate limit is exceeded. Try again in ${seconds} seconds.`, headers);
}

