/**
 * The shape of a policy module, built-in or user-written: declare the element's attributes
 * and where it may run, compile the element once, return a step the gateway runs per request.
 *
 *   export const policy: PolicyDefinition = {
 *     name: 'add-greeting',
 *     sections: ['inbound'],
 *     attributes: { name: { required: true } },
 *     compile(element, c) {
 *       const name = c.requiredString(element, 'name');
 *       return (ctx) => { ctx.forwardHeaders['x-greeting'] = `hello ${name(ctx)}`; };
 *     },
 *   };
 */
import type { Dispatcher } from 'undici';
import type { Caches } from '../../counters/cache-types.js';
import type { CounterStore } from '../../counters/types.js';
import type { ExpressionContext } from '../../expressions/index.js';
import type { BackendResolver } from '../contract/pipeline.js';
import type { PolicyContext } from '../contract/context.js';
import type { PolicyScopeName, PolicySnapshot } from '../contract/snapshot-view.js';
import type { PolicyElement, PolicyNode, PolicySectionName, PolicyValue } from '../xml/index.js';
import type { PolicyProblemCode, Located } from './problems.js';
import type { PolicyStep, StepEntry } from './steps.js';

export type { PolicyStep } from './steps.js';

/** A value computed per request (a literal is a function returning a constant). */
export type Evaluator<T> = (ctx: PolicyContext) => T;

export interface AttributeSpec {
  readonly required?: boolean;
  /** How the value is read and checked; 'string' when absent. */
  readonly type?: 'string' | 'int' | 'bool' | 'enum';
  /** Accepted values of an 'enum' attribute (compared case-insensitively, as APIM does). */
  readonly values?: readonly string[];
  /** False when the value must be a literal (APIM refuses expressions there too). */
  readonly expression?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface PolicyDefinition {
  /** The XML element name. */
  readonly name: string;
  /** Sections the policy may appear in. */
  readonly sections: readonly PolicySectionName[];
  /** Attributes it accepts, besides `id` (accepted on every policy). Any other is refused. */
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Parse and validate once; return the per-request step, or null when it does nothing. */
  compile(element: PolicyElement, context: CompileContext): PolicyStep | null;
}

export interface CompileContext {
  readonly section: PolicySectionName;
  readonly scope: PolicyScopeName;
  /** The message set-header, set-body… change here: the request in inbound/backend, else the response. */
  readonly message: 'request' | 'response';
  /** 'check' at save time (named values, backends and fragments unknown), 'compile' for a snapshot. */
  readonly mode: 'check' | 'compile';
  /** The snapshot being compiled; undefined in 'check' mode. */
  readonly snapshot: PolicySnapshot | undefined;
  /** Backends to send to; undefined when checking only. */
  readonly backends: BackendResolver | undefined;
  readonly settings: EngineSettings;
  /**
   * Identifies this element among every policy of the snapshot (its document's scope and
   * resource, the fragment it was inlined from, its path), stable across reloads of the same
   * document; the limit policies build their per-instance counter keys from it.
   */
  readonly instanceId: string;

  /** Abandons this element with a problem at `at` (an element, attribute or text node). */
  fail(code: PolicyProblemCode, message: string, at: Located): never;
  /** Checks a child element's attributes against `spec` (unknown, misspelled, missing, typed). */
  checkAttributes(element: PolicyElement, spec: Readonly<Record<string, AttributeSpec>>): void;
  /** Child elements, refusing any not named in `allowed` and any non-blank text. */
  children(element: PolicyElement, allowed: readonly string[]): PolicyElement[];

  /** An attribute's value as a string per request; undefined when absent. */
  string(element: PolicyElement, name: string): Evaluator<string> | undefined;
  requiredString(element: PolicyElement, name: string): Evaluator<string>;
  /** An attribute that must be a literal (after named values); undefined when absent. */
  literal(element: PolicyElement, name: string): string | undefined;
  int(element: PolicyElement, name: string, fallback?: number): Evaluator<number> | undefined;
  bool(element: PolicyElement, name: string, fallback: boolean): Evaluator<boolean>;
  /** A literal enum attribute, lower-cased; `fallback` when absent. */
  choice<T extends string>(element: PolicyElement, name: string, values: readonly T[], fallback: T): T;
  /** A `bool` expression attribute (choose/when `condition`, retry `condition`). */
  condition(element: PolicyElement, name: string): Evaluator<boolean>;
  /** Any value (literal string or expression result, typed), for set-variable. */
  value(node: PolicyValue, label: string): Evaluator<unknown>;
  /** The element's text as a string per request (literal, or one expression); undefined when empty. */
  text(element: PolicyElement, options?: { trim?: boolean }): Evaluator<string> | undefined;

  /**
   * Compiles nested policies (an element's children: choose/when, retry…) in this section;
   * `label` extends the path ('' for none). Text between them is refused.
   */
  policies(nodes: readonly PolicyNode[], label: string, options?: { message?: 'request' | 'response' }): readonly StepEntry[];
  /**
   * A policy fragment's policies compiled in place (this section), or null when fragments
   * cannot be looked up (save time without a fragment list). Fails when the id is unknown.
   */
  fragment(id: string, at: Located): readonly StepEntry[] | null;
  /** cors: answer preflights for the operation before the subscription check. */
  answerPreflight(handler: (ctx: PolicyContext) => boolean): void;
  /** Notes that the step reads a body itself, so expressions after it see the same bytes. */
  needBody(which: 'request' | 'response'): void;
  /** The read-only `context` expressions see, for policies that template over it (set-body liquid). */
  expressionContext(ctx: PolicyContext): ExpressionContext;
}

/** The value of an evaluator made from a literal, known at compile time; undefined for expressions. */
export function constantOf<T>(evaluator: Evaluator<T>): { readonly value: T } | undefined {
  return CONSTANTS.get(evaluator) as { value: T } | undefined;
}

/** An evaluator returning `value`, recognisable by constantOf (so policies can precompute). */
export function constant<T>(value: T): Evaluator<T> {
  const evaluator: Evaluator<T> = () => value;
  CONSTANTS.set(evaluator, { value });
  return evaluator;
}

const CONSTANTS = new WeakMap<object, { value: unknown }>();

/** Engine-wide settings every policy may read. */
export interface EngineSettings {
  /** Largest body a policy buffers (set-body, Body.As, send-request responses), bytes. */
  readonly maxBufferedBodyBytes: number;
  /** Let send-request reach link-local / cloud metadata addresses. */
  readonly allowLinkLocalRequests: boolean;
  /** The HTTP client for requests policies send (send-request…): pooled, with the address guard. */
  readonly httpClient: Dispatcher;
  /** Receives `trace` policy output; nothing is logged without it. */
  /** Where rate-limit and quota policies count (memory unless the engine was given Redis). */
  readonly counters: CounterStore;
  /** Where the caching policies store: `internal` memory, `external` Redis when configured. */
  readonly cache: Caches;
  readonly log: ((entry: { source: string; severity: string; message: string; metadata: Record<string, string> }) => void) | undefined;
}
