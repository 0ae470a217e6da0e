import { NotFoundError, ValidationError } from '../model/errors.js';
import type { GatewayKeyType } from '../model/resources/index.js';
import type { ResourceKind } from '../model/kinds.js';
import { RESOURCE_KINDS } from '../model/kinds.js';
import type { ResourceKey, Store, StoredResource, StoreTx } from '../store/types.js';
import type { DeclaredResource } from '../config/declarative/types.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { ownerOf } from './addresses.js';
import { applyDeclaredResources, type ApplyDeclaredOptions, type ApplyResult } from './apply-declared.js';
import { fragmentIncluders, type PolicyChecker, type PolicyFragmentChecker } from './policy-checks.js';
import { deleteResource, notFound, writeResource, type WriteEnv } from './resource-writes.js';
import { KIND_RULES } from './rules/index.js';
import { buildCandidateSnapshot } from './snapshot-builder.js';
import { declarativeRefusal, SnapshotRefusedError } from './snapshot-refusal.js';
import { namedValueOf } from './rules/named-value.js';
import type { ManagementKeyring } from './rules/types.js';
import { generateGatewayKey, openGatewayKeys, sealGatewayKeys } from './gateway-keys.js';
import { signGatewayToken, tokenExpiryProblem, verifyGatewayToken, type GatewayKeys, type TokenCheck } from './gateway-tokens.js';
import { ensureSigningKeys, rotateSigningKeys } from './signing-keys.js';
import { generateSubscriptionKey, openKey, sealKeys, type KeySlot } from './subscription-keys.js';

export interface ManagementServiceOptions {
  store: Store;
  keyring: ManagementKeyring;
  /** Called after every transaction that changed something (the snapshot publisher schedules a rebuild). */
  onCommit?: () => void;
  /** Parses/compiles a policy document at save time; plugged in by the policies module. */
  checkPolicy?: PolicyChecker;
  /** Parses/compiles a policy fragment at save time; plugged in by the policies module. */
  checkPolicyFragment?: PolicyFragmentChecker;
  /**
   * Compiles the snapshot a write would lead to, before it commits; throws a PorticoError
   * (with per-object details) to refuse it. The CLI plugs in the gateway's compiler, so
   * nothing is saved that the gateway would then refuse to load (which would freeze it
   * on its previous snapshot while later writes pile up unseen).
   */
  checkSnapshot?: SnapshotChecker;
}

export type SnapshotChecker = (candidate: ConfigSnapshot) => void;

/** A resource as clients see it: rendered properties (no secrets) plus its ETag. */
export interface ResourceView extends ResourceKey {
  properties: Record<string, unknown>;
  etag: string;
  createdAt: string;
  updatedAt: string;
}

export interface ListOptions {
  parent?: string;
  top?: number;
  skip?: number;
}

export interface WriteOptions {
  /** The client's If-Match header: '*' or one or more ETags. */
  ifMatch?: string;
  /** Prefix of error targets; 'properties' (the default) for the REST API. */
  target?: string;
}

export interface DeleteOptions extends WriteOptions {
  /** APIM's `deleteSubscriptions` flag for products and users. */
  deleteSubscriptions?: boolean;
}

export interface SubscriptionSecrets {
  primaryKey: string;
  secondaryKey: string;
  etag: string;
}

/**
 * Generic CRUD over the store for every resource kind, with APIM's validation,
 * reference checks, cascades, ETags and secret handling. Every write is one store
 * transaction; `onCommit` fires after it commits.
 */
export class ManagementService {
  private readonly store: Store;
  private readonly keyring: ManagementKeyring;
  private readonly onCommit: () => void;
  private readonly checkPolicy: PolicyChecker | undefined;
  private readonly checkPolicyFragment: PolicyFragmentChecker | undefined;
  private readonly checkSnapshot: SnapshotChecker | undefined;

  constructor(options: ManagementServiceOptions) {
    this.store = options.store;
    this.keyring = options.keyring;
    this.onCommit = options.onCommit ?? (() => undefined);
    this.checkPolicy = options.checkPolicy;
    this.checkPolicyFragment = options.checkPolicyFragment;
    this.checkSnapshot = options.checkSnapshot;
  }

  async find(key: ResourceKey): Promise<ResourceView | undefined> {
    const stored = await this.store.get(key);
    return stored && this.view(stored);
  }

  /** Throws NotFoundError (404) when absent. */
  async get(key: ResourceKey): Promise<ResourceView> {
    const found = await this.find(key);
    if (!found) throw notFound(key);
    return found;
  }

  /** One page of a kind; with `parent`, the owner must exist (404 otherwise). */
  async list(kind: ResourceKind, options: ListOptions = {}): Promise<{ items: ResourceView[]; total: number }> {
    if (options.parent !== undefined && options.parent !== '') await this.requireOwner(options.parent);
    const page = await this.store.list(kind, options);
    return { items: page.items.map((stored) => this.view(stored)), total: page.total };
  }

  /** PUT: create (created=true) or replace. */
  async put(key: ResourceKey, properties: unknown, options: WriteOptions = {}): Promise<{ resource: ResourceView; created: boolean }> {
    const outcome = await this.write((env) =>
      writeResource(env, { key, input: properties, mode: 'replace', ifMatch: options.ifMatch, target: options.target ?? 'properties' }),
    );
    return { resource: this.view(outcome.stored), created: outcome.created };
  }

  /** PATCH: merges top-level properties over the stored ones (null removes a field). 404 when absent. */
  async patch(key: ResourceKey, properties: unknown, options: WriteOptions = {}): Promise<ResourceView> {
    const outcome = await this.write((env) =>
      writeResource(env, { key, input: properties, mode: 'merge', ifMatch: options.ifMatch, target: options.target ?? 'properties' }),
    );
    return this.view(outcome.stored);
  }

  /** Idempotent: false when nothing was there. Cascades as each kind's rules say. */
  async delete(key: ResourceKey, options: DeleteOptions = {}): Promise<boolean> {
    let deleted = false;
    await this.write(async (env) => {
      deleted = await deleteResource(env, { key, ...options, target: options.target ?? 'properties' });
      return { changed: deleted };
    });
    return deleted;
  }

  /** APIM `listSecrets`: the only way to read a subscription's keys. */
  async listSubscriptionSecrets(subscriptionId: string): Promise<SubscriptionSecrets> {
    const stored = await this.requireStored({ kind: 'subscription', parent: '', id: subscriptionId });
    return {
      primaryKey: openKey(this.keyring, stored, 'primaryKey'),
      secondaryKey: openKey(this.keyring, stored, 'secondaryKey'),
      etag: stored.etag,
    };
  }

  /** APIM `regeneratePrimaryKey` / `regenerateSecondaryKey`. */
  async regenerateSubscriptionKey(subscriptionId: string, slot: KeySlot): Promise<ResourceView> {
    const key: ResourceKey = { kind: 'subscription', parent: '', id: subscriptionId };
    const outcome = await this.write(async ({ tx }) => {
      const stored = await tx.get(key);
      if (!stored) throw notFound(key);
      const keys = { primaryKey: openKey(this.keyring, stored, 'primaryKey'), secondaryKey: openKey(this.keyring, stored, 'secondaryKey') };
      keys[slot] = generateSubscriptionKey();
      const sealed = sealKeys(this.keyring, subscriptionId, keys, stored);
      return { stored: await tx.put({ ...key, properties: stored.properties, ...sealed }), changed: true };
    });
    return this.view(outcome.stored);
  }

  /** APIM `listKeys` on a gateway: the only way to read its keys. */
  async listGatewayKeys(gatewayId: string): Promise<GatewayKeys & { etag: string }> {
    const stored = await this.requireStored({ kind: 'gateway', parent: '', id: gatewayId });
    return { ...openGatewayKeys(this.keyring, stored), etag: stored.etag };
  }

  /** APIM `regenerateKey`: a new key in one slot; every token it signed stops working. */
  async regenerateGatewayKey(gatewayId: string, keyType: GatewayKeyType): Promise<ResourceView> {
    const key: ResourceKey = { kind: 'gateway', parent: '', id: gatewayId };
    const outcome = await this.write(async ({ tx }) => {
      const stored = await tx.get(key);
      if (!stored) throw notFound(key);
      const keys = openGatewayKeys(this.keyring, stored);
      keys[keyType] = generateGatewayKey();
      return { stored: await tx.put({ ...key, properties: stored.properties, secrets: sealGatewayKeys(this.keyring, gatewayId, keys) }), changed: true };
    });
    return this.view(outcome.stored);
  }

  /** APIM `generateToken`: a token for `portico gateway`, signed with one of the gateway's keys. 400 for a bad expiry. */
  async generateGatewayToken(gatewayId: string, keyType: GatewayKeyType, expiry: Date, now = new Date()): Promise<string> {
    const problem = tokenExpiryProblem(expiry, now);
    if (problem !== undefined) throw new ValidationError(problem, [{ code: 'InvalidExpiry', target: 'expiry', message: problem }]);
    const keys = await this.listGatewayKeys(gatewayId);
    return signGatewayToken(gatewayId, expiry, keys[keyType]);
  }

  /** Checks a gateway token against the gateway's current keys (see gateway-tokens.ts). */
  async checkGatewayToken(gatewayId: string, token: string, now = new Date()): Promise<TokenCheck> {
    const stored = await this.store.get({ kind: 'gateway', parent: '', id: gatewayId });
    if (!stored) return { ok: false, reason: `Gateway '${gatewayId}' is not registered with this management service.` };
    return verifyGatewayToken(token, gatewayId, openGatewayKeys(this.keyring, stored), now);
  }

  /** APIM `listValue`: a named value's value, secret or not. */
  async listNamedValueValue(namedValueId: string): Promise<{ value: string; etag: string }> {
    const stored = await this.requireStored({ kind: 'namedValue', parent: '', id: namedValueId });
    return { value: namedValueOf(this.keyring, stored), etag: stored.etag };
  }

  /** APIM `listReferences`: the policies and fragments that include a policy fragment. 404 when it does not exist. */
  async listPolicyFragmentReferences(fragmentId: string): Promise<ResourceKey[]> {
    await this.requireStored({ kind: 'policyFragment', parent: '', id: fragmentId });
    return fragmentIncluders(this.store, fragmentId);
  }

  /**
   * Applies resources from a declarative file (or the demo): validates all of them
   * first, then writes them in one transaction. Errors name the file and path; on any
   * error nothing is written. `prune` deletes stored resources the file does not declare.
   */
  async applyDeclared(resources: readonly DeclaredResource[], options: ApplyDeclaredOptions = {}): Promise<ApplyResult> {
    try {
      return await this.write((env) => applyDeclaredResources(env, resources, options));
    } catch (error) {
      if (error instanceof SnapshotRefusedError) throw declarativeRefusal(resources, error);
      throw error;
    }
  }

  /** True when the store holds no resource at all (the CLI then seeds the demo). */
  async isEmpty(): Promise<boolean> {
    for (const kind of RESOURCE_KINDS) {
      // Signing keys are Portico's own, created at startup: they do not make a store "used".
      if (kind === 'signingKey') continue;
      if ((await this.store.list(kind, { top: 1 })).total > 0) return false;
    }
    return true;
  }

  /** Creates the gateways' first token-signing keys when there are none (idempotent; see signing-keys.ts). */
  async ensureSigningKeys(): Promise<void> {
    await this.write(async ({ tx }) => ({ changed: await ensureSigningKeys(tx, this.keyring, new Date()) }));
  }

  /** Rotates the gateways' token-signing keys (POST /signingKeys/rotate); returns every published key. */
  async rotateSigningKeys(): Promise<ResourceView[]> {
    const outcome = await this.write(async ({ tx }) => ({ keys: await rotateSigningKeys(tx, this.keyring, new Date()), changed: true }));
    return outcome.keys.map((stored) => this.view(stored));
  }

  /** The rendered view of a stored resource (used by routes that show linked resources). */
  view(stored: StoredResource): ResourceView {
    const rules = KIND_RULES[stored.kind];
    return {
      kind: stored.kind,
      parent: stored.parent,
      id: stored.id,
      properties: rules.render ? rules.render(stored) : { ...stored.properties },
      etag: stored.etag,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }

  private async write<T extends { changed: boolean }>(fn: (env: WriteEnv) => Promise<T>): Promise<T> {
    const result = await this.store.transaction(async (tx: StoreTx) => {
      const outcome = await fn({ tx, keyring: this.keyring, checkPolicy: this.checkPolicy, checkPolicyFragment: this.checkPolicyFragment });
      if (outcome.changed) await this.verifySnapshot(tx);
      return outcome;
    });
    if (result.changed) this.onCommit();
    return result;
  }

  /** Throwing here rolls the transaction back: the store keeps its last loadable state. */
  private async verifySnapshot(tx: StoreTx): Promise<void> {
    if (!this.checkSnapshot) return;
    const candidate = await buildCandidateSnapshot(tx, this.keyring);
    try {
      this.checkSnapshot(candidate);
    } catch (error) {
      throw new SnapshotRefusedError(error);
    }
  }

  private async requireStored(key: ResourceKey): Promise<StoredResource> {
    const stored = await this.store.get(key);
    if (!stored) throw notFound(key);
    return stored;
  }

  private async requireOwner(parent: string): Promise<void> {
    let owner: ResourceKey | undefined;
    try {
      owner = ownerOf(parent);
    } catch {
      throw new NotFoundError(`Unknown parent '${parent}'.`);
    }
    if (owner && !(await this.store.get(owner))) throw notFound(owner);
  }
}
