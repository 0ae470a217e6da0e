import { ValidationError } from '../../model/errors.js';
import type { ProductProperties, SubscriptionProperties } from '../../model/resources/index.js';
import { referencedId, shortReference } from '../addresses.js';
import { generateSubscriptionKey, KEY_SLOTS, openKey, sealKeys, SUBSCRIPTION_KEY_UNIQUE, type KeySlot } from '../subscription-keys.js';
import { invalidField, listAll, requireExisting, requireReference } from './references.js';
import type { KindRules, PreparedWrite, WriteContext } from './types.js';

export const subscriptionRules: KindRules = {
  referenceFields: ['scope', 'ownerId'],

  async prepare(input, ctx: WriteContext): Promise<PreparedWrite> {
    const { primaryKey, secondaryKey, ...properties } = input as SubscriptionProperties;
    const { tx, target } = ctx;
    properties.scope = await resolveScope(ctx, properties.scope);
    if (properties.ownerId !== undefined) {
      const userId = await requireReference(tx, 'user', properties.ownerId, `${target}.ownerId`);
      properties.ownerId = `/users/${userId}`;
    }
    await enforceSubscriptionsLimit(properties, ctx);

    const keys: Record<KeySlot, string> = {
      primaryKey: primaryKey ?? currentKey(ctx, 'primaryKey') ?? generateSubscriptionKey(),
      secondaryKey: secondaryKey ?? currentKey(ctx, 'secondaryKey') ?? generateSubscriptionKey(),
    };
    if (keys.primaryKey === keys.secondaryKey) {
      const field = secondaryKey !== undefined ? 'secondaryKey' : 'primaryKey';
      throw invalidField(`${target}.${field}`, 'DuplicateSubscriptionKey', 'The primary and secondary keys must differ.');
    }
    return { properties, ...sealKeys(ctx.keyring, ctx.key.id, keys, ctx.existing) };
  },

  render(stored) {
    return { ...stored.properties, createdDate: stored.createdAt };
  },

  uniqueViolation(violation, prepared, target) {
    if (!violation.value.startsWith(SUBSCRIPTION_KEY_UNIQUE)) return violation;
    // Which of our two keys clashed; never which subscription owns it.
    const slot = KEY_SLOTS.find((s) => `${SUBSCRIPTION_KEY_UNIQUE}${prepared.secrets?.[`${s}Digest`]}` === violation.value) ?? 'primaryKey';
    const message = 'This key is already in use by another subscription; subscription keys must be unique.';
    return new ValidationError(`${target}.${slot}: ${message}`, [{ code: 'DuplicateSubscriptionKey', target: `${target}.${slot}`, message }]);
  },
};

function currentKey(ctx: WriteContext, slot: KeySlot): string | undefined {
  return ctx.existing?.secrets[slot] ? openKey(ctx.keyring, ctx.existing, slot) : undefined;
}

/** Normalises the scope to '/apis', '/apis/{id}' or '/products/{id}' and checks the target exists. */
async function resolveScope(ctx: WriteContext, scope: string): Promise<string> {
  const target = `${ctx.target}.scope`;
  const short = shortReference(scope).replace(/\/+$/, '');
  if (short.toLowerCase() === '/apis') return '/apis';
  const productId = referencedId(short, 'products');
  if (productId !== undefined) {
    await requireExisting(ctx.tx, { kind: 'product', parent: '', id: productId }, target);
    return `/products/${productId}`;
  }
  if (referencedId(short, 'apis') !== undefined) {
    const apiId = await requireReference(ctx.tx, 'api', short, target);
    return `/apis/${apiId}`;
  }
  throw invalidField(target, 'InvalidScope', `Expected '/apis', '/apis/{apiId}' or '/products/{productId}', got '${scope}'.`);
}

/** A product's subscriptionsLimit caps how many subscriptions one user holds to it. */
async function enforceSubscriptionsLimit(properties: Omit<SubscriptionProperties, KeySlot>, ctx: WriteContext): Promise<void> {
  if (properties.ownerId === undefined || !properties.scope.startsWith('/products/')) return;
  const product = await ctx.tx.get({ kind: 'product', parent: '', id: properties.scope.slice('/products/'.length) });
  const limit = (product?.properties as ProductProperties | undefined)?.subscriptionsLimit;
  if (limit === undefined || limit === null) return;
  const held = (await listAll(ctx.tx, 'subscription')).filter(
    (s) => s.id !== ctx.key.id && s.properties.scope === properties.scope && s.properties.ownerId === properties.ownerId,
  ).length;
  if (held >= limit) {
    throw invalidField(
      `${ctx.target}.ownerId`,
      'SubscriptionsLimitReached',
      `User already holds ${held} subscription(s) to this product; its subscriptionsLimit is ${limit}.`,
    );
  }
}
