import { NotFoundError } from '../../model/errors.js';
import type { ResourceKind } from '../../model/kinds.js';
import { COLLECTION_OF, referencedId } from '../addresses.js';
import { invalidField, KIND_LABEL } from './references.js';
import type { KindRules, WriteContext } from './types.js';

/**
 * A link (product–API, product–group, group–user) is addressed by its owner (the
 * parent, checked by the service) and the linked resource's id; the linked resource
 * must exist. APIM's link contracts may echo the linked id; it must agree.
 */
function linkRules(linked: ResourceKind, echoField: string): KindRules {
  return {
    async prepare(properties, ctx: WriteContext) {
      const echoed = properties[echoField];
      if (typeof echoed === 'string' && referencedId(echoed, COLLECTION_OF[linked]) !== ctx.key.id && echoed !== ctx.key.id) {
        throw invalidField(`${ctx.target}.${echoField}`, 'InvalidReference', `Must name the linked resource '${ctx.key.id}'.`);
      }
      const found = await ctx.tx.get({ kind: linked, parent: '', id: ctx.key.id });
      if (!found) throw new NotFoundError(`${KIND_LABEL[linked]} '${ctx.key.id}' not found.`);
      return { properties: {} };
    },
  };
}

export const productApiRules = linkRules('api', 'apiId');
export const productGroupRules = linkRules('group', 'groupId');
export const groupUserRules = linkRules('user', 'userId');
/** APIM's gateway–API association body echoes no id (only provisioningState), so nothing is checked against the URL. */
export const gatewayApiRules = linkRules('api', 'apiId');
