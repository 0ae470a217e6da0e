import { ValidationError, type ErrorDetail } from '../model/errors.js';
import { referencedFragmentIds } from '../model/fragment-references.js';
import type { PolicyFormat, PolicyFragmentFormat, PolicyFragmentProperties, PolicyProperties } from '../model/resources/index.js';
import type { ResourceKey, StoredResource, StoreReader } from '../store/types.js';
import { resourcePath } from './addresses.js';
import { listAll } from './rules/references.js';

/**
 * Save-time compiling of policy documents and policy fragments. The compiler itself is
 * the policies module's; it plugs in through these hooks (management may not import it),
 * and this module hands it what it needs to see beyond the document: the fragments an
 * `<include-fragment>` names. Without hooks only the shape checks in rules/ apply.
 */

/** A stored fragment as the compiler needs it to compile an include in place. */
export interface FragmentSource {
  readonly value: string;
  readonly format: PolicyFragmentFormat;
}

/**
 * What a check may consult beyond the document. Shaped like the policy engine's
 * CheckOptions, so a hook can pass it straight through.
 */
export interface PolicyCheckContext {
  /** The fragments as the write would leave them; undefined for an id that does not exist. */
  readonly fragments: (id: string) => FragmentSource | undefined;
}

/** Compiles a policy document; returns problems (with line/column) to refuse it. */
export type PolicyChecker = (value: string, format: PolicyFormat, key: ResourceKey, context: PolicyCheckContext) => ErrorDetail[];

/** Compiles a policy fragment (`<fragment>…</fragment>`); returns problems to refuse it. */
export type PolicyFragmentChecker = (
  value: string,
  format: PolicyFragmentFormat,
  key: ResourceKey,
  context: PolicyCheckContext,
) => ErrorDetail[];

export interface PolicyCheckEnv {
  tx: StoreReader;
  checkPolicy?: PolicyChecker;
  checkPolicyFragment?: PolicyFragmentChecker;
}

/** Refuses a policy or fragment about to be stored when the compiler finds problems in it. */
export async function checkDocumentBeforeWrite(
  env: PolicyCheckEnv,
  key: ResourceKey,
  properties: Record<string, unknown>,
  target: string,
): Promise<void> {
  if (key.kind === 'policy' && env.checkPolicy) {
    const { value, format } = properties as PolicyProperties & { format: PolicyFormat };
    const context = await reachableFragments(env.tx, value);
    refuseIfProblems(env.checkPolicy(value, format, key, context), `${target}.value`, 'The policy document is invalid');
  }
  if (key.kind === 'policyFragment' && env.checkPolicyFragment) {
    const { value, format } = properties as PolicyFragmentProperties & { format: PolicyFragmentFormat };
    // The fragment is looked up as it is about to be, so a fragment including itself is caught.
    const context = await reachableFragments(env.tx, value, { id: key.id, source: { value, format } });
    refuseIfProblems(env.checkPolicyFragment(value, format, key, context), `${target}.value`, 'The policy fragment is invalid');
  }
}

/**
 * After fragments changed (already written in `env.tx`), compiles again every stored
 * policy that includes one of them, directly or through other fragments. A change that
 * breaks one is refused here: the gateway would otherwise reject every later snapshot
 * whole. Policies are what runs, in known sections, so checking them covers the
 * fragments in between. `targetOf` names the error target for a changed fragment.
 */
export async function recheckFragmentDependents(
  env: PolicyCheckEnv,
  changedIds: readonly string[],
  targetOf: (fragmentId: string) => string,
): Promise<void> {
  if (changedIds.length === 0 || !env.checkPolicy) return;
  const fragments = await listAll(env.tx, 'policyFragment');
  const sources = new Map(fragments.map((stored) => [stored.id, fragmentSourceOf(stored)]));
  const context: PolicyCheckContext = { fragments: (id) => sources.get(id) };
  const cause = includersOf(fragments, changedIds);

  for (const stored of await listAll(env.tx, 'policy')) {
    const { value, format } = stored.properties as PolicyProperties & { format: PolicyFormat };
    const changed = referencedFragmentIds(value)
      .map((id) => cause.get(id))
      .find((found) => found !== undefined);
    if (changed === undefined) continue;
    refuseBrokenPolicy(env.checkPolicy(value, format, keyOf(stored), context), stored, targetOf(changed));
  }
}

/** Stored policies and fragments that name `fragmentId` in an include, as store keys. */
export async function fragmentIncluders(reader: StoreReader, fragmentId: string): Promise<ResourceKey[]> {
  const includers: ResourceKey[] = [];
  for (const kind of ['policy', 'policyFragment'] as const) {
    for (const stored of await listAll(reader, kind)) {
      if (stored.kind === 'policyFragment' && stored.id === fragmentId) continue;
      if (referencedFragmentIds(String(stored.properties.value)).includes(fragmentId)) includers.push(keyOf(stored));
    }
  }
  return includers;
}

function fragmentSourceOf(stored: StoredResource): FragmentSource {
  const { value, format } = stored.properties as PolicyFragmentProperties;
  return { value, format: format === 'rawxml' ? 'rawxml' : 'xml' };
}

/** The fragments a document reaches through its includes (and theirs), read from the store once each. */
async function reachableFragments(
  reader: StoreReader,
  document: string,
  replaced?: { id: string; source: FragmentSource },
): Promise<PolicyCheckContext> {
  const found = new Map<string, FragmentSource>();
  const visited = new Set<string>();
  const pending = referencedFragmentIds(document);
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (visited.has(id)) continue;
    visited.add(id);
    const source = id === replaced?.id ? replaced.source : await storedFragment(reader, id);
    if (source === undefined) continue;
    found.set(id, source);
    pending.push(...referencedFragmentIds(source.value));
  }
  return { fragments: (id) => found.get(id) };
}

async function storedFragment(reader: StoreReader, id: string): Promise<FragmentSource | undefined> {
  const stored = await reader.get({ kind: 'policyFragment', parent: '', id });
  return stored && fragmentSourceOf(stored);
}

/**
 * Every fragment that includes one of `changedIds`, directly or through others, mapped
 * to the changed fragment it leads to (the changed ones map to themselves).
 */
function includersOf(fragments: readonly StoredResource[], changedIds: readonly string[]): Map<string, string> {
  const cause = new Map(changedIds.map((id) => [id, id]));
  const includes = new Map(fragments.map((stored) => [stored.id, referencedFragmentIds(fragmentSourceOf(stored).value)]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [id, included] of includes) {
      if (cause.has(id)) continue;
      const reached = included.map((includedId) => cause.get(includedId)).find((changed) => changed !== undefined);
      if (reached === undefined) continue;
      cause.set(id, reached);
      grew = true;
    }
  }
  return cause;
}

function refuseIfProblems(problems: ErrorDetail[], target: string, what: string): void {
  if (problems.length === 0) return;
  const details = problems.map((problem) => ({ ...problem, target }));
  throw new ValidationError(`${what}: ${problems[0].message}`, details);
}

function refuseBrokenPolicy(problems: ErrorDetail[], policy: StoredResource, target: string): void {
  if (problems.length === 0) return;
  const [first] = problems;
  const at = first.line === undefined ? '' : ` (line ${first.line}, column ${first.column ?? 0})`;
  const message = `With this change the policy '${resourcePath(policy)}' no longer compiles${at}: ${first.message}`;
  throw new ValidationError(message, [{ code: 'BreaksIncludingDocument', target, message }]);
}

function keyOf(stored: StoredResource): ResourceKey {
  return { kind: stored.kind, parent: stored.parent, id: stored.id };
}
