/**
 * Save-time checking (what APIM does not do): parse, know every policy, attributes right,
 * each policy in a section where it can run, every expression compiling. Named values,
 * fragments and backends are checked when the caller can say which exist; otherwise what
 * depends on them is left to snapshot compile.
 */
import type { ErrorDetail } from '../../model/errors.js';
import type { BackendResolver } from '../contract/pipeline.js';
import type { PolicyScopeName } from '../contract/snapshot-view.js';
import { parsePolicyXml, policiesDocument, PolicyParseError, POLICY_SECTIONS, type FragmentRoot, type PolicyFormat } from '../xml/index.js';
import { compileNodes, messageOf, type DocumentEnvironment, type FragmentLookup } from './compile-context.js';
import { compileDocument } from './compile-document.js';
import type { CompilationEnvironment } from './snapshot-compilation.js';
import type { NamedValueLookup } from './named-values.js';
import { PolicyValidationError } from './problems.js';

export interface CheckOptions {
  /** Named values that exist: placeholders are then resolved and unknown names refused. */
  readonly namedValues?: NamedValueLookup;
  /** Fragments that exist: include-fragment is then compiled in place and unknown ids refused. */
  readonly fragments?: (id: string) => { readonly value: string; readonly format?: PolicyFormat } | undefined;
  /** Backends that exist: backend-id is then checked. */
  readonly backendExists?: (id: string) => boolean;
}

/** Problems with a policy document saved at `scope`; empty when it is fine. */
export function checkDocument(
  env: CompilationEnvironment,
  value: string,
  format: PolicyFormat,
  scope: PolicyScopeName,
  options: CheckOptions = {},
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  compileDocument(value, format, scope, checkEnvironment(env, options, problems));
  return problems;
}

/**
 * Problems with a policy fragment. A fragment can be included in any section, so a policy
 * is accepted when it can run in at least one; everything else is checked as usual.
 */
export function checkFragment(env: CompilationEnvironment, value: string, format: PolicyFormat, options: CheckOptions = {}): ErrorDetail[] {
  let root: FragmentRoot;
  try {
    root = policiesDocument(parsePolicyXml(value, format), 'fragment');
  } catch (error) {
    if (error instanceof PolicyParseError) return error.details;
    throw error;
  }
  const perSection = POLICY_SECTIONS.map((section) => {
    const problems: ErrorDetail[] = [];
    const needs = { requestBody: false, responseBody: false };
    compileNodes(root.root.children, checkEnvironment(env, options, problems), { section, scope: 'global', message: messageOf(section) }, '', needs, false);
    return problems;
  });
  const key = (p: ErrorDetail): string => `${p.code}|${p.line}|${p.column}|${p.message}`;
  const placement = perSection.map((problems) => new Set(problems.filter((p) => p.code === 'PolicyNotAllowedInSection').map(key)));
  const seen = new Set<string>();
  const result: ErrorDetail[] = [];
  for (const problems of perSection) {
    for (const problem of problems) {
      const k = key(problem);
      if (seen.has(k)) continue;
      seen.add(k);
      // Refused for its section only: fine if some other section takes it.
      if (problem.code === 'PolicyNotAllowedInSection' && !placement.every((set) => set.has(k))) continue;
      result.push(problem);
    }
  }
  return result;
}

export function throwIfProblems(problems: ErrorDetail[]): void {
  if (problems.length > 0) throw new PolicyValidationError(problems);
}

function checkEnvironment(env: CompilationEnvironment, options: CheckOptions, problems: ErrorDetail[]): DocumentEnvironment {
  return {
    registry: env.registry,
    mode: 'check',
    snapshot: undefined,
    backends: options.backendExists === undefined ? undefined : checkingResolver(options.backendExists),
    namedValues: options.namedValues,
    fragments: options.fragments === undefined ? undefined : fragmentLookup(options.fragments),
    settings: env.settings,
    expressions: env.expressions,
    problems,
    fragmentStack: [],
  };
}

function checkingResolver(exists: (id: string) => boolean): BackendResolver {
  return {
    byId: (id) => (exists(id) ? { url: `backend:${id}` } : undefined),
    byUrl: (url) => ({ url }),
  };
}

function fragmentLookup(find: NonNullable<CheckOptions['fragments']>): FragmentLookup {
  const parsed = new Map<string, FragmentRoot>();
  return (id) => {
    const known = parsed.get(id);
    if (known !== undefined) return known;
    const source = find(id);
    if (source === undefined) return undefined;
    try {
      const root = policiesDocument(parsePolicyXml(source.value, source.format ?? 'rawxml'), 'fragment');
      parsed.set(id, root);
      return root;
    } catch (error) {
      if (error instanceof PolicyParseError) throw new PolicyValidationError(error.details, `policyFragments/${id}`);
      throw error;
    }
  };
}
