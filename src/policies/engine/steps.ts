/**
 * Compiled policies are steps: one function per policy element, prepared at compile time,
 * called per request. A step returns nothing when it finished synchronously, or a promise
 * when it had to wait (a backend call, a body read): the runner awaits only those.
 */
import type { PolicyContext } from '../contract/context.js';
import type { PolicyScopeName } from '../contract/snapshot-view.js';
import type { PolicySectionName } from '../xml/index.js';

export type PolicyStep = (ctx: PolicyContext) => void | Promise<void>;

/** Where a step came from: becomes `context.LastError` when it fails. */
export interface StepSite {
  /** The element name, e.g. `set-header` (APIM's LastError.Source). */
  readonly policy: string;
  /** The element's `id` attribute, or ''. */
  readonly policyId: string;
  readonly scope: PolicyScopeName;
  readonly section: PolicySectionName;
  /** Position among the section's policies, APIM style: `choose[1]\when[2]\set-header[1]`. */
  readonly path: string;
}

/** What a compiled step needs from the pipeline around it; merged upwards at compile time. */
export interface StepNeeds {
  /** An expression may read `context.Request.Body`: buffer the request body before the section. */
  requestBody: boolean;
  /** An expression may read `context.Response.Body`: buffer the response body before the section. */
  responseBody: boolean;
}

export interface StepEntry {
  readonly run: PolicyStep;
  readonly site: StepSite;
  readonly needs: Readonly<StepNeeds>;
  /** Answers a CORS preflight (cors only). */
  readonly preflight?: (ctx: PolicyContext) => boolean;
}
