/**
 * What the policy engine keeps for one request, beyond the gateway's context: variables,
 * whether a policy ended the pipeline, where an error happened, buffered bodies. Created
 * on first need, so a pipeline of literal header policies allocates none of it.
 */
import type { ExpressionContext } from '../../expressions/index.js';
import type { PolicyContext, PolicyResponse } from '../contract/context.js';
import type { StepSite } from './steps.js';

/** Applied to the response just before it leaves (cors adds its headers this way). */
export type ResponseDecorator = (response: PolicyResponse) => void;

export interface TraceEntry {
  readonly source: string;
  readonly severity: string;
  readonly message: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export class PolicyRequestState {
  readonly variables = new Map<string, unknown>();
  /** return-response / mock-response ran: nothing more runs in this pass. */
  ended = false;
  /** The on-error section is running: message policies write the error response. */
  inOnError = false;
  /** Where the error in `ctx.lastError` was raised, when a policy step raised it. */
  failure: { readonly error: unknown; readonly site: StepSite } | null = null;
  /**
   * The request body as buffered for expressions: undefined until buffered, null once an
   * expression consumed it (`As<T>()` without preserveContent, as in APIM).
   */
  requestBody: Buffer | null | undefined = undefined;
  expression: ExpressionContext | null = null;
  responseDecorators: ResponseDecorator[] | null = null;
  requestId: string | null = null;
  traces: TraceEntry[] | null = null;
}

export function stateOf(ctx: PolicyContext): PolicyRequestState {
  let state = ctx.policyState;
  if (state === null) {
    state = new PolicyRequestState();
    ctx.policyState = state;
  }
  return state;
}
