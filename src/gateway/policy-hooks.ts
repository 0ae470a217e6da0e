import type { ConfigSnapshot, SnapshotApi, SnapshotOperation, SnapshotProduct } from '../config/snapshot.js';
import type { RequestContext } from './context.js';

/**
 * One phase of a compiled policy pipeline. Return nothing when the work is synchronous:
 * the pipeline awaits only what is a promise, so sync policies cost no microtask.
 */
export type PipelinePhase = (ctx: RequestContext) => void | Promise<void>;

/**
 * The compiled policies for one operation (in one product context): global → product →
 * API → operation, already merged by the policy engine. Absent phases cost nothing.
 * - `inbound` may answer by setting `ctx.response` (return-response, mock-response,
 *   cache hit): the backend phase is then skipped.
 * - `backend` replaces the default forward to the backend when present.
 * - `onError` runs when a phase throws; `ctx.lastError` holds the error. It may set
 *   `ctx.response`; otherwise the gateway's own error response is sent.
 */
export interface OperationPipeline {
  inbound?: PipelinePhase;
  backend?: PipelinePhase;
  outbound?: PipelinePhase;
  onError?: PipelinePhase;
}

export interface PolicyCompileInput {
  snapshot: ConfigSnapshot;
  api: SnapshotApi;
  operation: SnapshotOperation;
  /** The product context, or undefined for calls without one (API-scoped and all-API keys, open APIs). */
  product: SnapshotProduct | undefined;
}

/**
 * Supplied by the policy engine: called at snapshot compile time for every operation,
 * once without a product and once per product holding its API. Return undefined when
 * no policy applies. Throw a PorticoError (with details) to reject the snapshot.
 */
export type PolicyCompiler = (input: PolicyCompileInput) => OperationPipeline | undefined;
