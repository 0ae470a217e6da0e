/**
 * What the policy engine hands the gateway: one compiled pipeline per operation (and per
 * product that can reach it). The gateway's policy-hooks re-export these names.
 */
import type { BackendCertificateHandle, BackendHandle, PolicyContext } from './context.js';
import type {
  PolicyApiSource,
  PolicyOperationSource,
  PolicyProductSource,
  PolicySnapshot,
} from './snapshot-view.js';

/**
 * One phase of a compiled policy pipeline. Returns nothing when the work is synchronous:
 * the pipeline awaits only what is a promise, so sync policies cost no microtask.
 */
export type PipelinePhase = (ctx: PolicyContext) => void | Promise<void>;

/**
 * The compiled policies for one operation (in one product context): global → product →
 * API → operation, already merged. Absent phases cost nothing.
 * - `inbound` may answer by setting `ctx.response` (return-response, mock-response): the
 *   backend phase is then skipped.
 * - `backend` replaces the default forward to the backend when present.
 * - `onError` runs when a phase throws; `ctx.lastError` holds the error. It may set
 *   `ctx.response`; otherwise the gateway's own error response is sent.
 * - `preflight` answers a CORS preflight (OPTIONS with Access-Control-Request-Method) before
 *   the subscription check, as APIM does; it returns false when the request is not one it answers.
 */
export interface OperationPipeline {
  inbound?: PipelinePhase;
  backend?: PipelinePhase;
  outbound?: PipelinePhase;
  onError?: PipelinePhase;
  preflight?: (ctx: PolicyContext) => boolean;
}

/**
 * Backends the gateway can send to, for policies that choose one at compile time
 * (`set-backend-service`). The gateway attaches connection pools to what it returns.
 */
export interface BackendResolver {
  /** A named backend, or undefined when the snapshot has none by that id. */
  byId(id: string): BackendHandle | undefined;
  /** A backend for a base URL; throws a PorticoError saying why a URL is refused. */
  byUrl(url: string): BackendHandle;
  /**
   * A certificate resource with a private key, by id or by thumbprint (authentication-certificate);
   * undefined when the snapshot has none, or a string saying why it cannot be presented.
   */
  certificate?(reference: { id: string } | { thumbprint: string }): BackendCertificateHandle | string | undefined;
}

export interface PolicyCompileInput {
  snapshot: PolicySnapshot;
  api: PolicyApiSource;
  operation: PolicyOperationSource;
  /** The product context, or undefined for calls without one (API-scoped and all-API keys, open APIs). */
  product: PolicyProductSource | undefined;
  /** Where set-backend-service finds its backends; without it, base-url/backend-id are checked only. */
  backends?: BackendResolver;
}

/**
 * Called at snapshot compile time for every operation, once without a product and once
 * per product holding its API. Returns undefined when no policy applies. Throws a
 * PorticoError (with details) to reject the snapshot.
 */
export type PolicyCompiler = (input: PolicyCompileInput) => OperationPipeline | undefined;
