import type { KindRules } from './types.js';
import { deleteOrRefuseSubscriptions } from './owned-subscriptions.js';

export const productRules: KindRules = {
  async prepare(properties) {
    return { properties };
  },
  async beforeDelete(ctx) {
    await deleteOrRefuseSubscriptions(ctx, 'scope', `/products/${ctx.key.id}`, `Product '${ctx.key.id}'`);
  },
};
