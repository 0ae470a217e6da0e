import { ConflictError } from '../../model/errors.js';
import type { DeleteContext } from './types.js';
import { listAll } from './references.js';

/**
 * What happens to the subscriptions of a deleted product or user. APIM takes a
 * `deleteSubscriptions` flag; Portico deletes them when it is true and otherwise
 * refuses (409) rather than leave subscriptions pointing at nothing.
 */
export async function deleteOrRefuseSubscriptions(
  ctx: DeleteContext,
  field: 'scope' | 'ownerId',
  reference: string,
  label: string,
): Promise<void> {
  const held = (await listAll(ctx.tx, 'subscription')).filter((s) => s.properties[field] === reference);
  if (held.length === 0) return;
  if (!ctx.deleteSubscriptions) {
    throw new ConflictError(
      `${label} has ${held.length} subscription(s); delete them first or pass deleteSubscriptions=true.`,
      [{ code: 'HasSubscriptions', target: 'deleteSubscriptions', message: `${held.length} subscription(s) depend on it.` }],
    );
  }
  for (const subscription of held) await ctx.tx.delete({ kind: 'subscription', parent: '', id: subscription.id });
}
