import type {
  ConfigSnapshot,
  PolicyScope,
  SnapshotApi,
  SnapshotApiSchema,
  SnapshotBackend,
  SnapshotCertificate,
  SnapshotOperation,
  SnapshotPolicy,
  SnapshotPolicyFragment,
  SnapshotProduct,
  SnapshotSubscription,
} from '../config/snapshot.js';
import type {
  ApiProperties,
  ApiSchemaProperties,
  ApiVersionSetProperties,
  BackendProperties,
  GroupProperties,
  NamedValueProperties,
  OperationProperties,
  PolicyFragmentProperties,
  PolicyProperties,
  ProductProperties,
  SubscriptionProperties,
  UserProperties,
} from '../model/resources/index.js';
import { DEFAULT_SUBSCRIPTION_KEY_HEADER, DEFAULT_SUBSCRIPTION_KEY_QUERY } from '../model/resources/index.js';
import type { ResourceKind } from '../model/kinds.js';
import type { Store, StoredResource, StoreReader } from '../store/types.js';
import { referencedId } from './addresses.js';
import { listAll } from './rules/references.js';
import { certificateIdOf, certificatePemsOf } from './rules/certificate.js';
import { namedValueOf } from './rules/named-value.js';
import type { ManagementKeyring } from './rules/types.js';
import { snapshotSigningKeys } from './signing-keys.js';
import { digestField } from './subscription-keys.js';

/** Reads racing writes are retried; after this many the caller tries again on the next write. */
const MAX_CONSISTENT_READ_ATTEMPTS = 5;

export class SnapshotInconsistentError extends Error {
  constructor() {
    super('The store kept changing while the snapshot was read.');
    this.name = 'SnapshotInconsistentError';
  }
}

/**
 * Builds the gateway's ConfigSnapshot from the store. Consistency without a long
 * transaction: read the revision, read everything, read the revision again; equal
 * revisions prove no write committed in between, so the snapshot is exactly that
 * revision. Every field carries APIM's default, so the gateway never has to know them.
 */
export async function buildSnapshot(store: Store, keyring: ManagementKeyring, now: () => Date = () => new Date()): Promise<ConfigSnapshot> {
  for (let attempt = 0; attempt < MAX_CONSISTENT_READ_ATTEMPTS; attempt++) {
    const before = await store.revision();
    const resources = await readAll(store);
    if ((await store.revision()) === before) return assemble(before, resources, keyring, now());
  }
  throw new SnapshotInconsistentError();
}

/**
 * The snapshot a pending transaction would publish, read through that transaction, so
 * the management layer can have it compiled before committing (see ManagementService's
 * `checkSnapshot`). Its revision is 0: it is never published.
 */
export async function buildCandidateSnapshot(reader: StoreReader, keyring: ManagementKeyring): Promise<ConfigSnapshot> {
  return assemble(0, await readAll(reader), keyring, new Date());
}

type ResourcesByKind = Record<ResourceKind, StoredResource[]>;

async function readAll(store: StoreReader): Promise<ResourcesByKind> {
  const kinds: ResourceKind[] = [
    'api', 'operation', 'apiSchema', 'product', 'productApi', 'productGroup', 'subscription', 'user', 'group', 'groupUser',
    'backend', 'namedValue', 'policy', 'policyFragment', 'apiVersionSet', 'tag', 'certificate',
    'signingKey', 'gateway', 'gatewayApi',
  ];
  const lists = await Promise.all(kinds.map((kind) => listAll(store, kind)));
  return Object.fromEntries(kinds.map((kind, i) => [kind, lists[i]])) as ResourcesByKind;
}

function assemble(revision: number, r: ResourcesByKind, keyring: ManagementKeyring, createdAt: Date): ConfigSnapshot {
  return {
    revision,
    createdAt: createdAt.toISOString(),
    keyDigestSecret: keyring.digestSecret.toString('base64'),
    apis: r.api.map(toApi),
    operations: r.operation.map(toOperation),
    apiSchemas: r.apiSchema.map(toApiSchema),
    products: r.product.map((p) => toProduct(p, r)),
    subscriptions: r.subscription.map(toSubscription),
    users: r.user.map((u) => {
      const p = u.properties as UserProperties;
      return {
        id: u.id,
        email: p.email,
        firstName: p.firstName,
        lastName: p.lastName,
        state: p.state ?? 'active',
        groupIds: r.groupUser.filter((m) => m.id === u.id).map((m) => childOwnerId(m.parent)),
      };
    }),
    groups: r.group.map((g) => {
      const p = g.properties as GroupProperties;
      return { id: g.id, displayName: p.displayName ?? g.id, type: p.type ?? 'custom' };
    }),
    backends: r.backend.map((b) => toBackend(b, r.certificate)),
    namedValues: r.namedValue.map((n) => {
      const p = n.properties as NamedValueProperties;
      return { id: n.id, displayName: p.displayName ?? n.id, value: namedValueOf(keyring, n), secret: p.secret ?? false };
    }),
    policies: r.policy.map(toPolicy),
    policyFragments: r.policyFragment.map(toPolicyFragment),
    apiVersionSets: r.apiVersionSet.map((v) => {
      const p = v.properties as ApiVersionSetProperties;
      return {
        id: v.id,
        displayName: p.displayName ?? v.id,
        versioningScheme: p.versioningScheme,
        versionHeaderName: p.versionHeaderName,
        versionQueryName: p.versionQueryName,
      };
    }),
    certificates: r.certificate.map((c) => toCertificate(c, keyring)),
    signingKeys: snapshotSigningKeys(r.signingKey, keyring, createdAt),
    gateways: r.gateway.map((g) => ({
      id: g.id,
      apiIds: r.gatewayApi.filter((link) => link.parent === `gateways/${g.id}`).map((link) => link.id),
    })),
  };
}

function toApi(stored: StoredResource): SnapshotApi {
  const p = stored.properties as ApiProperties;
  return {
    id: stored.id,
    displayName: p.displayName ?? stored.id,
    path: p.path,
    protocols: p.protocols ?? ['https'],
    serviceUrl: p.serviceUrl,
    backendId: p.backendId,
    subscriptionRequired: p.subscriptionRequired ?? true,
    subscriptionKeyParameterNames: {
      header: p.subscriptionKeyParameterNames?.header ?? DEFAULT_SUBSCRIPTION_KEY_HEADER,
      query: p.subscriptionKeyParameterNames?.query ?? DEFAULT_SUBSCRIPTION_KEY_QUERY,
    },
    apiRevision: p.apiRevision ?? '1',
    isCurrent: p.isCurrent ?? true,
    apiVersion: p.apiVersion,
    apiVersionSetId: p.apiVersionSetId === undefined ? undefined : referencedId(p.apiVersionSetId, 'apiVersionSets'),
    apiType: p.type ?? p.apiType ?? 'http',
  };
}

function toApiSchema(stored: StoredResource): SnapshotApiSchema {
  const p = stored.properties as ApiSchemaProperties;
  const components = p.document.components as { schemas?: Record<string, unknown> } | undefined;
  const types = p.document.definitions ?? components?.schemas ?? {};
  return { apiId: childOwnerId(stored.parent), id: stored.id, contentType: p.contentType, types };
}

function toOperation(stored: StoredResource): SnapshotOperation {
  const p = stored.properties as OperationProperties;
  return {
    apiId: childOwnerId(stored.parent),
    id: stored.id,
    displayName: p.displayName ?? stored.id,
    method: p.method,
    urlTemplate: p.urlTemplate,
    templateParameters: (p.templateParameters ?? []).map((t) => ({
      name: t.name,
      required: t.required ?? false,
      type: t.type,
      defaultValue: t.defaultValue,
    })),
    backendId: p.backendId,
    responses: p.responses ?? [],
  };
}

function toProduct(stored: StoredResource, r: ResourcesByKind): SnapshotProduct {
  const p = stored.properties as ProductProperties;
  const parent = `products/${stored.id}`;
  return {
    id: stored.id,
    displayName: p.displayName ?? stored.id,
    state: p.state ?? 'notPublished',
    subscriptionRequired: p.subscriptionRequired ?? true,
    approvalRequired: p.approvalRequired ?? false,
    apiIds: r.productApi.filter((link) => link.parent === parent).map((link) => link.id),
    groupIds: r.productGroup.filter((link) => link.parent === parent).map((link) => link.id),
  };
}

function toSubscription(stored: StoredResource): SnapshotSubscription {
  const p = stored.properties as Omit<SubscriptionProperties, 'primaryKey' | 'secondaryKey'>;
  return {
    id: stored.id,
    displayName: p.displayName ?? stored.id,
    scope: p.scope,
    state: p.state ?? 'submitted',
    ownerId: p.ownerId === undefined ? undefined : referencedId(p.ownerId, 'users'),
    allowTracing: p.allowTracing ?? false,
    primaryKeyDigest: stored.secrets[digestField('primaryKey')],
    secondaryKeyDigest: stored.secrets[digestField('secondaryKey')],
    startDate: p.startDate,
    endDate: p.endDate,
  };
}

function toBackend(stored: StoredResource, certificates: readonly StoredResource[]): SnapshotBackend {
  const p = stored.properties as BackendProperties;
  const ids = (references: readonly string[] | undefined) =>
    (references ?? []).map(certificateIdOf).filter((id): id is string => id !== undefined);
  // APIM: the deprecated thumbprint list is used only when certificateIds is absent.
  const clientIds = p.credentials?.certificateIds
    ? ids(p.credentials.certificateIds)
    : (p.credentials?.certificate ?? []).flatMap((thumbprint) => {
        const found = certificates.find((c) => String(c.properties.thumbprint).toUpperCase() === thumbprint.toUpperCase());
        return found === undefined ? [] : [found.id];
      });
  return {
    id: stored.id,
    url: p.url ?? '',
    protocol: p.protocol ?? 'http',
    title: p.title,
    tls: {
      validateCertificateChain: p.tls?.validateCertificateChain ?? true,
      validateCertificateName: p.tls?.validateCertificateName ?? true,
      ...(p.tls?.caCertificateIds ? { caCertificateIds: ids(p.tls.caCertificateIds) } : {}),
    },
    ...(clientIds.length > 0 ? { credentials: { certificateIds: clientIds } } : {}),
  };
}

function toCertificate(stored: StoredResource, keyring: ManagementKeyring): SnapshotCertificate {
  const pems = certificatePemsOf(keyring, stored);
  return {
    id: stored.id,
    subject: String(stored.properties.subject),
    thumbprint: String(stored.properties.thumbprint),
    expirationDate: String(stored.properties.expirationDate),
    certificate: pems.certificate,
    ...(pems.privateKey === undefined ? {} : { privateKey: pems.privateKey }),
  };
}

function toPolicy(stored: StoredResource): SnapshotPolicy {
  const p = stored.properties as PolicyProperties;
  const format = p.format === 'rawxml' ? 'rawxml' : 'xml';
  const parts = stored.parent.split('/');
  const base = { format, value: p.value } as const;
  const scoped = (scope: PolicyScope, ids: Partial<SnapshotPolicy>): SnapshotPolicy => ({ scope, ...ids, ...base });
  if (stored.parent === '') return scoped('global', {});
  if (parts[0] === 'products') return scoped('product', { productId: parts[1] });
  if (parts.length === 4) return scoped('operation', { apiId: parts[1], operationId: parts[3] });
  return scoped('api', { apiId: parts[1] });
}

function toPolicyFragment(stored: StoredResource): SnapshotPolicyFragment {
  const p = stored.properties as PolicyFragmentProperties;
  return { id: stored.id, description: p.description, format: p.format === 'rawxml' ? 'rawxml' : 'xml', value: p.value };
}

/** 'apis/echo' → 'echo'. */
function childOwnerId(parent: string): string {
  return parent.slice(parent.indexOf('/') + 1);
}
