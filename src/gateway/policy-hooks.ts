/**
 * The policy engine's contract with the gateway. The types live in src/policies (the
 * gateway depends on policies, never the reverse); these names are kept for gateway code.
 * The gateway's RequestContext implements the PolicyContext a compiled phase receives.
 */
export type {
  BackendResolver,
  OperationPipeline,
  PipelinePhase,
  PolicyCompileInput,
  PolicyCompiler,
} from '../policies/contract/pipeline.js';
