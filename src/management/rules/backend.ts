import { ConflictError } from '../../model/errors.js';
import type { BackendProperties } from '../../model/resources/index.js';
import { checkBackendCertificates } from './certificate.js';
import { invalidField, listAll } from './references.js';
import type { DeleteContext, KindRules, WriteContext } from './types.js';
import { isKubernetesServiceUrl, requireAbsoluteUrl } from './url-checks.js';

export const backendRules: KindRules = {
  async prepare(input, ctx: WriteContext) {
    const properties = input as BackendProperties;
    const { target } = ctx;
    // The snapshot contract has no pools yet; storing one would hand the gateway a backend it cannot build.
    if (properties.type === 'Pool' || properties.pool !== undefined) {
      const field = properties.type === 'Pool' ? 'type' : 'pool';
      throw invalidField(`${target}.${field}`, 'NotSupported', "Backend pools are not supported yet; use type 'Single' with a url.");
    }
    if (properties.url === undefined) throw invalidField(`${target}.url`, 'RequiredField', "'url' is required.");
    if (!isKubernetesServiceUrl(properties.url)) requireAbsoluteUrl(properties.url, ['http', 'https'], `${target}.url`);
    await checkBackendCertificates(properties, ctx);
    return { properties };
  },

  async beforeDelete(ctx: DeleteContext) {
    const users = await backendUsers(ctx);
    if (users.length > 0) {
      const shown = users.slice(0, 5).join(', ') + (users.length > 5 ? ', …' : '');
      throw new ConflictError(`Backend '${ctx.key.id}' is still used by ${shown}.`, [
        { code: 'BackendInUse', target: 'backendId', message: `Used by ${shown}.` },
      ]);
    }
  },
};

/** Who refers to a backend through the backendId shorthand. */
async function backendUsers({ tx, key }: DeleteContext): Promise<string[]> {
  const users: string[] = [];
  for (const api of await listAll(tx, 'api')) {
    if (api.properties.backendId === key.id) users.push(`API '${api.id}'`);
  }
  for (const operation of await listAll(tx, 'operation')) {
    if (operation.properties.backendId === key.id) users.push(`operation '${operation.parent}/operations/${operation.id}'`);
  }
  return users;
}
