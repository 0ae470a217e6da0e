import { DeclarativeFileError, type DeclarativeIssue } from '../config/declarative/issues.js';
import type { DeclaredResource } from '../config/declarative/types.js';
import { PorticoError } from '../model/errors.js';
import type { ResourceKind } from '../model/kinds.js';
import { validateProperties } from '../model/validate.js';
import type { ResourceKey } from '../store/types.js';
import { resourcePath } from './addresses.js';
import { includedFirst } from './fragment-order.js';
import { recheckFragmentDependents } from './policy-checks.js';
import { deleteResource, writeResource, type WriteEnv } from './resource-writes.js';
import { listAll } from './rules/references.js';

export interface ApplyDeclaredOptions {
  /** Delete stored resources the declaration does not mention (their subscriptions too). */
  prune?: boolean;
}

export interface ApplyResult {
  created: ResourceKey[];
  updated: ResourceKey[];
  unchanged: number;
  deleted: ResourceKey[];
  /** True when anything was written. */
  changed: boolean;
}

/** Referenced kinds first, so every reference check sees what it names. */
const APPLY_ORDER: readonly ResourceKind[] = [
  'certificate',
  'backend',
  'apiVersionSet',
  'namedValue',
  'tag',
  'user',
  'group',
  'groupUser',
  'api',
  'apiSchema',
  'operation',
  'product',
  'productApi',
  'productGroup',
  'subscription',
  'policyFragment',
  'policy',
];

/**
 * Two phases: every resource is validated against its schema (all problems collected),
 * then all are written in the caller's transaction in dependency order, where reference
 * checks see the earlier writes. Any problem throws a DeclarativeFileError naming the
 * file and the resource path, which rolls the whole transaction back.
 */
export async function applyDeclaredResources(
  env: WriteEnv,
  resources: readonly DeclaredResource[],
  options: ApplyDeclaredOptions,
): Promise<ApplyResult> {
  checkSchemas(resources);
  const result: ApplyResult = { created: [], updated: [], unchanged: 0, deleted: [], changed: false };
  const changedFragments: DeclaredResource[] = [];

  for (const resource of inApplyOrder(resources)) {
    const key: ResourceKey = { kind: resource.kind, parent: resource.parent, id: resource.id };
    try {
      const outcome = await writeResource(env, {
        key,
        input: resource.properties,
        mode: 'replace',
        target: resource.source.path,
        // Policies later in this apply may be the very includers a fragment change needs; check once all is written.
        deferDependentChecks: true,
      });
      if (outcome.created) result.created.push(key);
      else if (outcome.changed) result.updated.push(key);
      else result.unchanged++;
      if (outcome.changed && resource.kind === 'policyFragment') changedFragments.push(resource);
    } catch (error) {
      throw fileError([resource], issuesOf(error, resource));
    }
  }
  for (const fragment of changedFragments) {
    try {
      await recheckFragmentDependents(env, [fragment.id], () => `${fragment.source.path}.value`);
    } catch (error) {
      throw fileError([fragment], issuesOf(error, fragment));
    }
  }
  if (options.prune) result.deleted = await prune(env, resources);
  result.changed = result.created.length + result.updated.length + result.deleted.length > 0;
  return result;
}

function checkSchemas(resources: readonly DeclaredResource[]): void {
  const issues: DeclarativeIssue[] = [];
  const seen = new Set<string>();
  for (const resource of resources) {
    const identity = `${resource.kind}|${resource.parent}|${resource.id}`;
    if (seen.has(identity)) {
      issues.push(issueAt(resource, 'DuplicateResource', resource.source.path, `${resource.kind} '${resource.id}' is declared twice.`));
    }
    seen.add(identity);
    try {
      validateProperties(resource.kind, resource.properties, { id: resource.id, target: resource.source.path });
    } catch (error) {
      issues.push(...issuesOf(error, resource));
    }
  }
  if (issues.length > 0) throw fileError(resources, issues);
}

function inApplyOrder(resources: readonly DeclaredResource[]): DeclaredResource[] {
  const rank = (r: DeclaredResource) => APPLY_ORDER.indexOf(r.kind);
  const sorted = [...resources].sort((a, b) => rank(a) - rank(b));
  const fragments = sorted.filter((r) => r.kind === 'policyFragment');
  const ordered = includedFirst(fragments, (r) => r.id, (r) => String(r.properties.value));
  const start = sorted.findIndex((r) => r.kind === 'policyFragment');
  if (start >= 0) sorted.splice(start, ordered.length, ...ordered);
  return sorted;
}

/** Deletes what is stored but not declared, dependants first. */
async function prune(env: WriteEnv, resources: readonly DeclaredResource[]): Promise<ResourceKey[]> {
  const declared = new Set(resources.map((r) => `${r.kind}|${r.parent}|${r.id}`));
  const deleted: ResourceKey[] = [];
  for (const kind of [...APPLY_ORDER].reverse()) {
    const all = await listAll(env.tx, kind);
    const inDeleteOrder = kind === 'policyFragment' ? includedFirst(all, (s) => s.id, (s) => String(s.properties.value)).reverse() : all;
    for (const stored of inDeleteOrder) {
      if (declared.has(`${stored.kind}|${stored.parent}|${stored.id}`)) continue;
      const key: ResourceKey = { kind: stored.kind, parent: stored.parent, id: stored.id };
      try {
        if (await deleteResource(env, { key, deleteSubscriptions: true, target: `${kind}:${stored.id}` })) deleted.push(key);
      } catch (error) {
        if (!(error instanceof PorticoError)) throw error;
        throw new DeclarativeFileError('(prune)', [{ code: error.code, path: resourcePath(key), message: error.message }]);
      }
    }
  }
  return deleted;
}

function issuesOf(error: unknown, resource: DeclaredResource): DeclarativeIssue[] {
  if (!(error instanceof PorticoError)) throw error;
  if (error.details.length === 0) return [issueAt(resource, error.code, resource.source.path, error.message)];
  return error.details.map((detail) => issueAt(resource, detail.code, detail.target ?? resource.source.path, detail.message));
}

/** Positions are the resource's place in the file; a column inside a value stays in the message. */
function issueAt(resource: DeclaredResource, code: string, path: string, message: string): DeclarativeIssue {
  return { code, path, message, line: resource.source.line, column: resource.source.column };
}

function fileError(resources: readonly DeclaredResource[], issues: DeclarativeIssue[]): DeclarativeFileError {
  const files = [...new Set(resources.map((r) => r.source.file))];
  return new DeclarativeFileError(files.join(', ') || '(declared)', issues);
}
