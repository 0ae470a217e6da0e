import type { ApiProperties } from '../../model/resources/index.js';
import { invalidField, listAll, requireExisting, requireReference } from './references.js';
import type { DeleteContext, KindRules, PreparedWrite, WriteContext } from './types.js';
import { requireAbsoluteUrl } from './url-checks.js';
import { baseApiId } from '../../model/api-revision.js';

/** Path characters allowed in an API path (RFC 3986 pchar without '%', plus '/'). */
const API_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

/** Revisions of one API ('orders;rev=2') share its path; they are not path conflicts. */
export const apiRules: KindRules = {
  referenceFields: ['apiVersionSetId'],

  async prepare(input, ctx: WriteContext): Promise<PreparedWrite> {
    const properties = input as ApiProperties;
    const { tx, target } = ctx;
    for (const field of ['format', 'value', 'wsdlSelector'] as const) {
      if (properties[field] !== undefined) {
        throw invalidField(
          `${target}.${field}`,
          'NotSupported',
          'Importing an API definition through the management API is not supported; use `portico import`.',
        );
      }
    }
    properties.type ??= properties.apiType ?? 'http';

    const path = properties.path.replace(/^\/+|\/+$/g, '');
    if (!API_PATH.test(path) || path.includes('//')) {
      throw invalidField(`${target}.path`, 'InvalidPath', `'${properties.path}' is not a valid API path.`);
    }
    properties.path = path;

    if (properties.serviceUrl !== undefined) {
      const schemes = properties.type === 'websocket' ? ['ws', 'wss'] : ['http', 'https'];
      requireAbsoluteUrl(properties.serviceUrl, schemes, `${target}.serviceUrl`);
    }
    if (properties.backendId !== undefined) {
      await requireExisting(tx, { kind: 'backend', parent: '', id: properties.backendId }, `${target}.backendId`);
    }
    if (properties.apiVersionSetId !== undefined) {
      const id = await requireReference(tx, 'apiVersionSet', properties.apiVersionSetId, `${target}.apiVersionSetId`);
      properties.apiVersionSetId = `/apiVersionSets/${id}`;
    }
    await refusePathConflict(properties, ctx);
    return { properties };
  },

  render(stored) {
    return { ...stored.properties, isOnline: true };
  },

  async beforeDelete({ tx, key }: DeleteContext) {
    // APIM removes an API from every product that holds it.
    for (const link of await listAll(tx, 'productApi')) {
      if (link.id === key.id) await tx.delete({ kind: 'productApi', parent: link.parent, id: link.id });
    }
    // Nor does a gateway keep serving it.
    for (const link of await listAll(tx, 'gatewayApi')) {
      if (link.id === key.id) await tx.delete({ kind: 'gatewayApi', parent: link.parent, id: link.id });
    }
    // A subscription scoped to a deleted API could never be used again; APIM deletes them too.
    for (const subscription of await listAll(tx, 'subscription')) {
      if (subscription.properties.scope === `/apis/${key.id}`) await tx.delete({ kind: 'subscription', parent: '', id: subscription.id });
    }
  },
};

/** Two current APIs may not share a path unless they are versions in one version set. */
async function refusePathConflict(properties: ApiProperties, ctx: WriteContext): Promise<void> {
  const own = baseApiId(ctx.key.id);
  for (const other of await listAll(ctx.tx, 'api')) {
    if (baseApiId(other.id) === own) continue;
    const theirs = other.properties as ApiProperties;
    if (theirs.path.toLowerCase() !== properties.path.toLowerCase()) continue;
    const sameVersionSlot =
      (theirs.apiVersionSetId ?? '') === (properties.apiVersionSetId ?? '') && (theirs.apiVersion ?? '') === (properties.apiVersion ?? '');
    if (sameVersionSlot) {
      throw invalidField(`${ctx.target}.path`, 'PathInUse', `Path '${properties.path}' is already used by API '${other.id}'.`);
    }
  }
}
