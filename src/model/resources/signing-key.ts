import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

/**
 * A token-signing key of the gateways (Portico extension, not an APIM resource). Only the
 * control plane writes these (see src/management/signing-keys.ts); the private half is kept
 * sealed beside the properties, never in them.
 */
export const SigningKeyPropertiesSchema = StrictObject(
  {
    alg: Type.Literal('ES256', { description: 'JWS algorithm the key signs with.' }),
    status: StringEnum(['next', 'active', 'retired'] as const, {
      description: "'next': published, not signing yet; 'active': signs; 'retired': published until publishUntil.",
    }),
    publicJwk: StrictObject(
      {
        kty: Type.Literal('EC', { description: 'Key type.' }),
        crv: Type.Literal('P-256', { description: 'Curve.' }),
        x: Type.String({ description: 'Public x coordinate, base64url.' }),
        y: Type.String({ description: 'Public y coordinate, base64url.' }),
      },
      { description: 'The public key as a JWK.' },
    ),
    createdAt: Type.String({ description: 'When the key was generated (ISO 8601).' }),
    activatedAt: Type.Optional(Type.String({ description: 'When the key started signing (ISO 8601).' })),
    retiredAt: Type.Optional(Type.String({ description: 'When the key stopped signing (ISO 8601).' })),
    publishUntil: Type.Optional(Type.String({ description: 'A retired key leaves the JWKS at this time (ISO 8601).' })),
  },
  { description: "Properties of a gateway token-signing key (Portico extension); the key id is the resource id (the JWK's RFC 7638 thumbprint)." },
);

export type SigningKeyProperties = Static<typeof SigningKeyPropertiesSchema>;
