import { NotFoundError, ValidationError } from '../model/errors.js';
import { validateProperties } from '../model/validate.js';
import { UniqueViolation, type ResourceKey, type StoredResource, type StoreTx } from '../store/types.js';
import { isValidParent, KINDS_WITH_CHILDREN, ownerOf, resourcePath, RESOURCE_ID_PATTERN } from './addresses.js';
import { sameJson } from './canonical-json.js';
import { assertIfMatch } from './etag-match.js';
import { checkDocumentBeforeWrite, recheckFragmentDependents, type PolicyChecker, type PolicyFragmentChecker } from './policy-checks.js';
import { KIND_RULES } from './rules/index.js';
import { KIND_LABEL } from './rules/references.js';
import type { ManagementKeyring } from './rules/types.js';

/**
 * The write path shared by the REST API and declarative apply: everything runs inside
 * the caller's transaction, so a throw anywhere leaves the store untouched.
 */

export type { PolicyChecker, PolicyCheckContext, PolicyFragmentChecker } from './policy-checks.js';

export interface WriteEnv {
  tx: StoreTx;
  keyring: ManagementKeyring;
  checkPolicy?: PolicyChecker;
  checkPolicyFragment?: PolicyFragmentChecker;
}

export interface WriteRequest {
  key: ResourceKey;
  /** The client's `properties` (unvalidated). */
  input: unknown;
  /** 'replace' (PUT, declarative apply) or 'merge' (PATCH: top-level fields, null removes one). */
  mode: 'replace' | 'merge';
  ifMatch?: string;
  /** Prefix for error targets: 'properties', or a declarative path such as 'apis.orders'. */
  target: string;
  /**
   * Leave re-checking the documents that include a changed fragment to the caller, who
   * writes more in the same transaction first (declarative apply) and then calls
   * recheckFragmentDependents once.
   */
  deferDependentChecks?: boolean;
}

export interface WriteOutcome {
  stored: StoredResource;
  created: boolean;
  /** False when the write would store exactly what is there (nothing is written). */
  changed: boolean;
}

export async function writeResource(env: WriteEnv, request: WriteRequest): Promise<WriteOutcome> {
  const { tx } = env;
  const { key, target } = request;
  await assertAddressable(tx, key, target);
  const existing = await tx.get(key);
  if (request.mode === 'merge' && !existing) throw notFound(key);
  assertIfMatch(request.ifMatch, existing?.etag);

  const input = request.mode === 'merge' ? mergeProperties(existing?.properties ?? {}, request.input, target) : request.input;
  const validated = validateProperties(key.kind, input, { id: key.id, target }) as Record<string, unknown>;
  const rules = KIND_RULES[key.kind];
  const prepared = await rules.prepare(validated, { tx, keyring: env.keyring, target, key, existing });
  await checkDocumentBeforeWrite(env, key, prepared.properties, target);

  if (existing && sameJson(existing.properties, prepared.properties) && sameJson(existing.secrets, prepared.secrets ?? {})) {
    return { stored: existing, created: false, changed: false };
  }
  let stored: StoredResource;
  try {
    stored = await tx.put({ ...key, ...prepared });
  } catch (error) {
    if (error instanceof UniqueViolation && rules.uniqueViolation) throw rules.uniqueViolation(error, prepared, target);
    throw error;
  }
  if (key.kind === 'policyFragment' && !request.deferDependentChecks) {
    await recheckFragmentDependents(env, [key.id], () => `${target}.value`);
  }
  return { stored, created: !existing, changed: true };
}

export interface DeleteRequest {
  key: ResourceKey;
  ifMatch?: string;
  deleteSubscriptions?: boolean;
  target: string;
}

/** Deletes a resource, what it owns and what only makes sense with it. False when it was not there. */
export async function deleteResource(env: WriteEnv, request: DeleteRequest): Promise<boolean> {
  const { tx } = env;
  const { key } = request;
  const existing = await tx.get(key);
  if (!existing) return false;
  assertIfMatch(request.ifMatch, existing.etag);
  await KIND_RULES[key.kind].beforeDelete?.({
    tx,
    keyring: env.keyring,
    target: request.target,
    key,
    existing,
    deleteSubscriptions: request.deleteSubscriptions ?? false,
  });
  if (KINDS_WITH_CHILDREN.has(key.kind)) await tx.deleteDescendants(resourcePath(key));
  await tx.delete(key);
  return true;
}

/** The id is well-formed and the owner (API, operation, product, group) exists. */
export async function assertAddressable(tx: StoreTx, key: ResourceKey, target: string): Promise<void> {
  if (!RESOURCE_ID_PATTERN.test(key.id)) {
    const message = `'${key.id}' is not a valid resource id (1-256 of A-Z a-z 0-9 _ . ~ ; = -).`;
    throw new ValidationError(message, [{ code: 'InvalidResourceId', target: target === 'properties' ? 'name' : target, message }]);
  }
  if (!isValidParent(key.kind, key.parent)) {
    throw new ValidationError(`A ${key.kind} cannot be placed under '${key.parent}'.`, [
      { code: 'InvalidParent', target, message: `Invalid parent '${key.parent}' for ${key.kind}.` },
    ]);
  }
  const owner = ownerOf(key.parent);
  if (owner && !(await tx.get(owner))) throw notFound(owner);
}

export function notFound(key: ResourceKey): NotFoundError {
  return new NotFoundError(`${KIND_LABEL[key.kind]} '${key.id}' not found.`);
}

/** PATCH: top-level merge of the client's fields over the stored ones; `null` removes a field. */
function mergeProperties(current: Record<string, unknown>, patch: unknown, target: string): Record<string, unknown> {
  if (patch === undefined || patch === null) return { ...current };
  if (typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ValidationError(`${target} must be an object.`, [{ code: 'InvalidType', target, message: 'Expected object.' }]);
  }
  const merged: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete merged[field];
    else Object.defineProperty(merged, field, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}
