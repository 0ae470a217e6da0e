import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const SUBSCRIPTION_STATES = ['suspended', 'active', 'expired', 'submitted', 'rejected', 'cancelled'] as const;

/** Visible ASCII only: a key travels in a header or a query string. */
const KEY_PATTERN = '^[\\x21-\\x7E]+$';

const DateTime = (description: string) => Type.Optional(Type.String({ format: 'date-time', description }));

export const SubscriptionPropertiesSchema = StrictObject(
  {
    scope: Type.String({
      minLength: 1,
      description: "What the subscription grants: '/apis' (all APIs), '/apis/{apiId}' or '/products/{productId}'.",
    }),
    displayName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Subscription name; defaults to the subscription id.' }),
    ),
    ownerId: Type.Optional(Type.String({ description: "Owning user ('/users/{userId}'); omit for a standalone subscription." })),
    primaryKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: KEY_PATTERN,
        description: 'Primary key (write-only; generated when omitted; read it with listSecrets).',
      }),
    ),
    secondaryKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: KEY_PATTERN,
        description: 'Secondary key (write-only; generated when omitted; read it with listSecrets).',
      }),
    ),
    state: Type.Optional(
      StringEnum(SUBSCRIPTION_STATES, { default: 'submitted', description: 'Subscription state; only active subscriptions pass the gateway.' }),
    ),
    allowTracing: Type.Optional(Type.Boolean({ default: false, description: 'Whether this subscription may request a policy trace.' })),
    stateComment: Type.Optional(Type.String({ description: 'Comment added by an administrator when the state changed.' })),
    startDate: DateTime('When the subscription was activated (ISO 8601).'),
    expirationDate: DateTime('When the subscription expires (ISO 8601); informational, not enforced.'),
    endDate: DateTime('When the subscription was cancelled or expired (ISO 8601).'),
    notificationDate: DateTime('Upcoming expiry notification date (ISO 8601).'),
  },
  { description: 'Properties of a subscription (APIM SubscriptionCreateParameterProperties).' },
);

export type SubscriptionProperties = Static<typeof SubscriptionPropertiesSchema>;

export const SUBSCRIPTION_READ_ONLY = ['createdDate'] as const;
