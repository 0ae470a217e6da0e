import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

export const NamedValuePropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: '^[A-Za-z0-9-._]+$',
        description: 'Name used in policies as {{displayName}}; defaults to the named value id.',
      }),
    ),
    value: Type.Optional(Type.String({ maxLength: 4096, description: 'The value; may contain policy expressions (write-only when secret).' })),
    secret: Type.Optional(
      Type.Boolean({ default: false, description: 'Whether the value is secret: encrypted at rest and never returned by GET.' }),
    ),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 32, description: 'Tags for searching.' })),
    keyVault: Type.Optional(
      StrictObject(
        {
          secretIdentifier: Type.Optional(Type.String({ description: 'Key Vault secret identifier.' })),
          identityClientId: Type.Optional(Type.String({ description: 'Client id of the managed identity reading the secret.' })),
        },
        { description: 'Key Vault reference (not supported by Portico).' },
      ),
    ),
  },
  { description: 'Properties of a named value (APIM NamedValueCreateContractProperties).' },
);

export type NamedValueProperties = Static<typeof NamedValuePropertiesSchema>;

export const NAMED_VALUE_READ_ONLY = ['provisioningState'] as const;
