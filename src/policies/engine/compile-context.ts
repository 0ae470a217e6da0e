/**
 * Compiles policy elements into steps. One ElementCompiler per element being compiled: it
 * is the `CompileContext` the policy's `compile` sees (values are read by its ValueReader
 * half), knows the element's section, scope and path, and accumulates what the step needs
 * from the pipeline (buffered bodies).
 */
import { ValidationError, type ErrorDetail } from '../../model/errors.js';
import type { PolicyContext } from '../contract/context.js';
import type { BackendResolver } from '../contract/pipeline.js';
import type { PolicyScopeName, PolicySnapshot } from '../contract/snapshot-view.js';
import { getAttribute, type FragmentRoot, type PolicyElement, type PolicyNode, type PolicySectionName, type PolicyText } from '../xml/index.js';
import { checkAttributes, closest } from './attributes.js';
import type { AttributeSpec, CompileContext, EngineSettings } from './definition.js';
import type { ExpressionContext } from '../../expressions/index.js';
import { expressionContextOf, type ExpressionEnvironment } from './expression-view.js';
import type { NamedValueLookup } from './named-values.js';
import { fail, PolicyProblem, problemDetail, type Located, type PolicyProblemCode } from './problems.js';
import type { PolicyRegistry } from './registry.js';
import type { StepEntry, StepNeeds } from './steps.js';
import { unsupportedPolicy } from './unsupported.js';
import { ValueReader } from './value-reader.js';

/** Finds a policy fragment by id; undefined when there is none. */
export type FragmentLookup = (id: string) => FragmentRoot | undefined;

/** Everything one document's compile shares. */
export interface DocumentEnvironment {
  readonly registry: PolicyRegistry;
  readonly mode: 'check' | 'compile';
  readonly snapshot: PolicySnapshot | undefined;
  readonly backends: BackendResolver | undefined;
  readonly namedValues: NamedValueLookup | undefined;
  readonly fragments: FragmentLookup | undefined;
  readonly settings: EngineSettings;
  readonly expressions: ExpressionEnvironment;
  /** Problems found so far; the document is refused when any. */
  readonly problems: ErrorDetail[];
  /** Fragment ids being inlined, to refuse a fragment that includes itself. */
  readonly fragmentStack: string[];
  /** Which document this is (`api:<id>`, `operation:<api>/<op>`…); the scope name when unknown. */
  readonly document?: string;
}

/** `<base/>` in a section: where the parent scope's section goes. */
export const BASE = Symbol('base');
export type SectionItem = StepEntry | typeof BASE;

interface Placement {
  readonly section: PolicySectionName;
  readonly scope: PolicyScopeName;
  readonly message: 'request' | 'response';
}

export function messageOf(section: PolicySectionName): 'request' | 'response' {
  return section === 'inbound' || section === 'backend' ? 'request' : 'response';
}

/**
 * Compiles a list of nodes (a section's or a nested policy's children). Problems are
 * recorded in `env.problems` and the element skipped, so one pass reports them all.
 */
export function compileNodes(
  nodes: readonly PolicyNode[],
  env: DocumentEnvironment,
  placement: Placement,
  pathPrefix: string,
  needs: StepNeeds,
  topLevel: boolean,
): SectionItem[] {
  const items: SectionItem[] = [];
  const counts = new Map<string, number>();
  let base: PolicyElement | null = null;
  for (const node of nodes) {
    if (node.kind === 'comment') continue;
    if (node.kind === 'text') {
      if (node.isExpression || node.value.trim() !== '') {
        env.problems.push(problemDetail('UnexpectedText', 'Text is not allowed here; only policy elements', firstVisible(node)));
      }
      continue;
    }
    const ordinal = (counts.get(node.name) ?? 0) + 1;
    counts.set(node.name, ordinal);
    if (node.name === 'base') {
      const problem = baseProblem(node, topLevel, base);
      if (problem !== null) env.problems.push(problemDetail('MisplacedBase', problem, node));
      else {
        base = node;
        items.push(BASE);
      }
      continue;
    }
    const entry = compileElement(node, env, placement, `${pathPrefix}${node.name}[${ordinal}]`, needs);
    if (entry !== null) items.push(entry);
  }
  return items;
}

function baseProblem(node: PolicyElement, topLevel: boolean, earlier: PolicyElement | null): string | null {
  if (!topLevel) return '<base/> must be a direct child of a section';
  if (earlier !== null) return `<base/> appears twice in this section; the first is at line ${earlier.line}, column ${earlier.column}`;
  if (node.attributes.length > 0 || node.children.some((c) => c.kind === 'element' || (c.kind === 'text' && c.value.trim() !== ''))) {
    return '<base/> takes no attributes or content';
  }
  return null;
}

function compileElement(
  element: PolicyElement,
  env: DocumentEnvironment,
  placement: Placement,
  path: string,
  needs: StepNeeds,
): StepEntry | null {
  const definition = env.registry.get(element.name);
  if (definition === undefined) {
    env.problems.push(unknownPolicy(element, env.registry));
    return null;
  }
  if (!definition.sections.includes(placement.section)) {
    const where = definition.sections.map((s) => `<${s}>`).join(', ');
    env.problems.push(
      problemDetail('PolicyNotAllowedInSection', `<${element.name}> cannot be used in <${placement.section}>; it runs in ${where}`, element),
    );
    return null;
  }
  const compiler = new ElementCompiler(env, placement, `${path}\\`, needs);
  let run;
  try {
    checkAttributes(element, definition.attributes);
    compiler.remember(element, definition.attributes);
    run = definition.compile(element, compiler);
  } catch (error) {
    env.problems.push(problemFrom(error, element));
    return null;
  }
  if (run === null) return null;
  const site = {
    policy: element.name,
    policyId: getAttribute(element, 'id')?.value ?? '',
    scope: placement.scope,
    section: placement.section,
    path,
  };
  return compiler.preflight === undefined ? { run, site, needs } : { run, site, needs, preflight: compiler.preflight };
}

function unknownPolicy(element: PolicyElement, registry: PolicyRegistry): ErrorDetail {
  const known = unsupportedPolicy(element.name);
  if (known !== undefined) return problemDetail(known.code, known.message, element);
  const suggestion = closest(element.name, registry.names);
  const hint = suggestion === undefined ? '' : `; did you mean <${suggestion}>?`;
  return problemDetail('UnknownPolicy', `<${element.name}> is not a known policy${hint}`, element);
}

/** A user policy may throw a ValidationError; anything else is a bug and propagates. */
function problemFrom(error: unknown, element: PolicyElement): ErrorDetail {
  if (error instanceof PolicyProblem) return error.detail;
  if (error instanceof ValidationError) return problemDetail(error.code, `<${element.name}>: ${error.message}`, element);
  throw error;
}

function firstVisible(text: PolicyText): Located {
  return text;
}

class ElementCompiler extends ValueReader implements CompileContext {
  readonly section: PolicySectionName;
  readonly scope: PolicyScopeName;
  readonly message: 'request' | 'response';
  preflight: ((ctx: PolicyContext) => boolean) | undefined;

  constructor(
    private readonly env: DocumentEnvironment,
    private readonly placement: Placement,
    private readonly pathPrefix: string,
    needs: StepNeeds,
  ) {
    super(env.namedValues, env.expressions, placement.message, needs);
    this.section = placement.section;
    this.scope = placement.scope;
    this.message = placement.message;
  }

  get mode(): 'check' | 'compile' {
    return this.env.mode;
  }

  get snapshot(): PolicySnapshot | undefined {
    return this.env.snapshot;
  }

  get backends(): BackendResolver | undefined {
    return this.env.backends;
  }

  get settings(): EngineSettings {
    return this.env.settings;
  }

  get instanceId(): string {
    return `${this.env.document ?? this.scope}|${this.env.fragmentStack.join('/')}|${this.pathPrefix}`;
  }

  fail(code: PolicyProblemCode, message: string, at: Located): never {
    return fail(code, message, at);
  }

  checkAttributes(element: PolicyElement, spec: Readonly<Record<string, AttributeSpec>>): void {
    checkAttributes(element, spec);
    this.remember(element, spec);
  }

  children(element: PolicyElement, allowed: readonly string[]): PolicyElement[] {
    const found: PolicyElement[] = [];
    for (const child of element.children) {
      if (child.kind === 'comment') continue;
      if (child.kind === 'text') {
        if (child.isExpression || child.value.trim() !== '') fail('UnexpectedText', `<${element.name}> cannot contain text here`, child);
        continue;
      }
      if (!allowed.includes(child.name)) {
        const expected = allowed.length === 0 ? 'it takes no child elements' : `expected ${allowed.map((a) => `<${a}>`).join(', ')}`;
        fail('UnexpectedElement', `<${element.name}> cannot contain <${child.name}>; ${expected}`, child);
      }
      found.push(child);
    }
    return found;
  }

  policies(nodes: readonly PolicyNode[], label: string, options: { message?: 'request' | 'response' } = {}): readonly StepEntry[] {
    const placement: Placement = { ...this.placement, message: options.message ?? this.placement.message };
    const prefix = label === '' ? this.pathPrefix : `${this.pathPrefix}${label}\\`;
    const items = compileNodes(nodes, this.env, placement, prefix, this.needs, false);
    return items.filter((item): item is StepEntry => item !== BASE);
  }

  fragment(id: string, at: Located): readonly StepEntry[] | null {
    const lookup = this.env.fragments;
    if (lookup === undefined) return null;
    if (this.env.fragmentStack.includes(id)) fail('InvalidFragment', `fragment '${id}' includes itself`, at);
    let root: FragmentRoot | undefined;
    try {
      root = lookup(id);
    } catch (error) {
      if (error instanceof ValidationError) fail('InvalidFragment', `fragment '${id}' does not parse: ${error.message}`, at);
      throw error;
    }
    if (root === undefined) fail('UnknownFragment', `policy fragment '${id}' does not exist`, at);
    const problems: ErrorDetail[] = [];
    const env: DocumentEnvironment = { ...this.env, problems, fragmentStack: [...this.env.fragmentStack, id] };
    const items = compileNodes(root.root.children, env, this.placement, this.pathPrefix, this.needs, false);
    if (problems.length > 0) {
      const first = problems[0];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      fail('InvalidFragment', `fragment '${id}', line ${first.line}, column ${first.column}: ${first.message}${more}`, at);
    }
    return items.filter((item): item is StepEntry => item !== BASE);
  }

  answerPreflight(handler: (ctx: PolicyContext) => boolean): void {
    this.preflight = handler;
  }

  expressionContext(ctx: PolicyContext): ExpressionContext {
    return expressionContextOf(ctx, this.env.expressions);
  }

}
