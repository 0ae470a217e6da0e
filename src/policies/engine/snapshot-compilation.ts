/**
 * Compiling one snapshot's policies. Every scope's document is compiled once (not once per
 * operation × product), and merged pipelines are shared by every operation whose chain of
 * documents is the same — most operations of an API without operation policies share one.
 */
import { PorticoError, type ErrorDetail } from '../../model/errors.js';
import type { OperationPipeline, PolicyCompileInput, BackendResolver } from '../contract/pipeline.js';
import type { PolicyDocumentSource, PolicySnapshot } from '../contract/snapshot-view.js';
import { parsePolicyXml, policiesDocument, PolicyParseError, POLICY_SECTIONS, type FragmentRoot, type PolicySectionName } from '../xml/index.js';
import { BASE, type DocumentEnvironment, type SectionItem } from './compile-context.js';
import { compileDocument, type CompiledDocument } from './compile-document.js';
import type { EngineSettings } from './definition.js';
import type { ExpressionEnvironment } from './expression-view.js';
import type { NamedValueEntry, NamedValueLookup } from './named-values.js';
import { buildPipeline } from './pipeline-builder.js';
import { PolicyValidationError } from './problems.js';
import type { PolicyRegistry } from './registry.js';
import type { StepEntry } from './steps.js';

export interface CompilationEnvironment {
  readonly registry: PolicyRegistry;
  readonly settings: EngineSettings;
  readonly expressions: ExpressionEnvironment;
  readonly defaultForward: StepEntry;
}

type DocumentState = { readonly ok: true; readonly document: CompiledDocument } | { readonly ok: false; readonly target: string };

export class SnapshotCompilation {
  private readonly sources = new Map<string, PolicyDocumentSource>();
  private readonly documents = new Map<string, DocumentState>();
  private readonly pipelines = new Map<string, OperationPipeline | undefined>();
  private readonly namedValues: NamedValueLookup;
  private readonly fragmentSources = new Map<string, { value: string; format: 'rawxml' | 'xml' }>();
  private readonly fragments = new Map<string, FragmentRoot | PolicyValidationError>();

  constructor(
    private readonly env: CompilationEnvironment,
    private readonly snapshot: PolicySnapshot,
    private readonly backends: BackendResolver | undefined,
  ) {
    for (const source of snapshot.policies) this.sources.set(scopeKeyOf(source), source);
    const byName = new Map<string, NamedValueEntry>();
    // APIM references named values by display name; the id is accepted too (they usually match).
    for (const nv of snapshot.namedValues) byName.set(nv.id, { value: nv.value, secret: nv.secret });
    for (const nv of snapshot.namedValues) byName.set(nv.displayName, { value: nv.value, secret: nv.secret });
    this.namedValues = (name) => byName.get(name);
    for (const fragment of snapshot.policyFragments ?? []) {
      this.fragmentSources.set(fragment.id, { value: fragment.value, format: fragment.format ?? 'rawxml' });
    }
    env.expressions.views.prepare(snapshot);
  }

  compile(input: PolicyCompileInput): OperationPipeline | undefined {
    const keys = ['global'];
    if (input.product !== undefined) keys.push(`product:${input.product.id}`);
    keys.push(`api:${input.api.id}`, `operation:${input.api.id}/${input.operation.id}`);
    const present = keys.filter((key) => this.sources.has(key));
    const signature = present.join('|');
    if (this.pipelines.has(signature)) return this.pipelines.get(signature);

    const documents = present.map((key) => this.document(key));
    const merged = {} as Record<PolicySectionName, readonly StepEntry[]>;
    for (const section of POLICY_SECTIONS) {
      const root = section === 'backend' ? [this.env.defaultForward] : [];
      merged[section] = mergeSection(
        documents.map((d) => d.sections[section]),
        root,
      );
    }
    const pipeline = buildPipeline(merged, this.env.defaultForward, this.env.settings.maxBufferedBodyBytes);
    this.pipelines.set(signature, pipeline);
    return pipeline;
  }

  /**
   * A scope's compiled document. A broken one is reported in full the first time and by
   * reference afterwards, so a snapshot rejection lists each problem once.
   */
  private document(key: string): CompiledDocument {
    const known = this.documents.get(key);
    if (known !== undefined) {
      if (known.ok) return known.document;
      throw new PorticoError('PolicyDocumentInvalid', 400, `uses the policy at ${known.target}, which does not compile (see above)`);
    }
    const source = this.sources.get(key)!;
    const target = targetOf(source);
    const problems: ErrorDetail[] = [];
    const document = compileDocument(source.value, source.format, source.scope, this.environment(problems, key));
    if (document === null || problems.length > 0) {
      this.documents.set(key, { ok: false, target });
      throw new PolicyValidationError(
        problems.map((p) => ({ ...p, target })),
        target,
      );
    }
    this.documents.set(key, { ok: true, document });
    return document;
  }

  private environment(problems: ErrorDetail[], document: string): DocumentEnvironment {
    return {
      registry: this.env.registry,
      mode: 'compile',
      snapshot: this.snapshot,
      backends: this.backends,
      namedValues: this.namedValues,
      fragments: (id) => this.fragment(id),
      settings: this.env.settings,
      expressions: this.env.expressions,
      problems,
      fragmentStack: [],
      document,
    };
  }

  private fragment(id: string): FragmentRoot | undefined {
    const known = this.fragments.get(id);
    if (known instanceof PolicyValidationError) throw known;
    if (known !== undefined) return known;
    const source = this.fragmentSources.get(id);
    if (source === undefined) return undefined;
    try {
      const root = policiesDocument(parsePolicyXml(source.value, source.format), 'fragment');
      this.fragments.set(id, root);
      return root;
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      const invalid = new PolicyValidationError(error.details, `policyFragments/${id}`);
      this.fragments.set(id, invalid);
      throw invalid;
    }
  }
}

/** Parent first: `<base/>` in each document stands for everything merged so far. */
export function mergeSection(chain: readonly (readonly SectionItem[] | undefined)[], root: readonly StepEntry[]): StepEntry[] {
  let current: StepEntry[] = [...root];
  for (const items of chain) {
    // A document without this section inherits the parent's, as if it held only <base/>.
    if (items === undefined) continue;
    const next: StepEntry[] = [];
    for (const item of items) {
      if (item === BASE) next.push(...current);
      else next.push(item);
    }
    current = next;
  }
  return current;
}

function scopeKeyOf(source: PolicyDocumentSource): string {
  switch (source.scope) {
    case 'global':
      return 'global';
    case 'product':
      return `product:${source.productId ?? ''}`;
    case 'api':
      return `api:${source.apiId ?? ''}`;
    case 'operation':
      return `operation:${source.apiId ?? ''}/${source.operationId ?? ''}`;
  }
}

/** The policy's management path, used to name it in errors. */
function targetOf(source: PolicyDocumentSource): string {
  switch (source.scope) {
    case 'global':
      return 'policy';
    case 'product':
      return `products/${source.productId ?? ''}/policies/policy`;
    case 'api':
      return `apis/${source.apiId ?? ''}/policies/policy`;
    case 'operation':
      return `apis/${source.apiId ?? ''}/operations/${source.operationId ?? ''}/policies/policy`;
  }
}
