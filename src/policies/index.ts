/**
 * The policy engine: APIM policy documents compiled once per snapshot into per-operation
 * pipelines, checked at save time with line and column.
 *
 *   const engine = await createPolicyEngine({ policyModules: ['./my-policy.js'] });
 *   createGatewayServer({ policies: engine.compile });
 *   createManagementServer({ …, checkPolicy: engine.checker() });
 */
import { initExpressions } from '../expressions/index.js';
import { BUILTIN_POLICIES } from './builtins.js';
import { loadPolicyModules } from './engine/custom-policies.js';
import { PolicyEngine, type PolicyEngineOptions } from './engine/engine.js';

export interface CreatePolicyEngineOptions extends PolicyEngineOptions {
  /** Paths (or package names) of modules exporting user policies; relative paths resolve against `baseDir`. */
  readonly policyModules?: readonly string[];
  /** Where relative module paths resolve from (default: the working directory). */
  readonly baseDir?: string;
}

/** Loads the C# grammar and any user policy modules, then builds the engine. */
export async function createPolicyEngine(options: CreatePolicyEngineOptions = {}): Promise<PolicyEngine> {
  await initExpressions();
  const loaded = await loadPolicyModules(options.policyModules ?? [], options.baseDir ?? process.cwd());
  return new PolicyEngine(BUILTIN_POLICIES, { ...options, policies: [...(options.policies ?? []), ...loaded] });
}

export { PolicyEngine, scopeOfKey, type PolicyEngineOptions, type PolicyResourceKey } from './engine/engine.js';
export type { CheckOptions } from './engine/check.js';
export type { NamedValueLookup, NamedValueEntry } from './engine/named-values.js';
export { PolicyValidationError, type PolicyProblemCode } from './engine/problems.js';
export { PolicyFailure } from './engine/failures.js';
export { PolicyRequestState, stateOf } from './engine/request-state.js';
export { runSteps } from './engine/runner.js';
export { constant, constantOf } from './engine/definition.js';
export type { AttributeSpec, CompileContext, EngineSettings, Evaluator, PolicyDefinition, PolicyStep } from './engine/definition.js';
export type { StepEntry, StepSite } from './engine/steps.js';
export { BUILTIN_POLICIES } from './builtins.js';
export type * from './contract/context.js';
export type * from './contract/pipeline.js';
export type * from './contract/snapshot-view.js';
export { responseForWrite } from './http/messages.js';
export { convertPolicyFormat } from './xml/index.js';
