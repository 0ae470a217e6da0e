import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StrictObject, StringEnum } from './schema-helpers.js';

export const PRODUCT_STATES = ['notPublished', 'published'] as const;

export const ProductPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Product name; defaults to the product id.' })),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Product description; may include HTML.' })),
    terms: Type.Optional(Type.String({ description: 'Terms of use shown to developers subscribing to the product.' })),
    subscriptionRequired: Type.Optional(
      Type.Boolean({ default: true, description: "Whether a subscription is required ('protected'); false makes it 'open'." }),
    ),
    approvalRequired: Type.Optional(
      Type.Boolean({ default: false, description: 'Whether subscription requests need administrator approval.' }),
    ),
    subscriptionsLimit: Type.Optional(
      Nullable(
        Type.Integer({ minimum: 0, description: 'How many subscriptions a user may hold to this product at once; null means unlimited.' }),
      ),
    ),
    state: Type.Optional(
      StringEnum(PRODUCT_STATES, { default: 'notPublished', description: 'Whether the product is published (visible to developers).' }),
    ),
  },
  { description: 'Properties of a product (APIM ProductContractProperties).' },
);

export type ProductProperties = Static<typeof ProductPropertiesSchema>;
