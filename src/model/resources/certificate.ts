import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

/** Largest upload accepted in `data` (base64 PFX or PEM text), characters. */
export const MAX_CERTIFICATE_DATA_LENGTH = 256 * 1024;

export const CertificatePropertiesSchema = StrictObject(
  {
    data: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_CERTIFICATE_DATA_LENGTH,
        description:
          'Base64 PKCS#12 (PFX) bundle of the certificate and its private key, as APIM takes it. Portico extension: PEM text ' +
          '(one or more CERTIFICATE blocks, the first being the certificate, and optionally its PRIVATE KEY block) is accepted too; ' +
          'a CA certificate for tls.caCertificateIds needs no key. Write-only.',
      }),
    ),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Password of the PFX bundle (or of an encrypted PEM private key). Write-only.' }),
    ),
    keyVault: Type.Optional(
      StrictObject(
        {
          secretIdentifier: Type.Optional(Type.String({ description: 'Key Vault secret identifier.' })),
          identityClientId: Type.Optional(Type.String({ description: 'Client id of the managed identity reading the secret.' })),
        },
        { description: 'Key Vault reference (refused: Portico has no Key Vault).' },
      ),
    ),
  },
  { description: 'Properties of a certificate upload (APIM CertificateCreateOrUpdateProperties).' },
);

export type CertificateProperties = Static<typeof CertificatePropertiesSchema>;

/** Computed from the uploaded certificate; shown by GET, dropped when a client echoes them back. */
export const CERTIFICATE_READ_ONLY = ['subject', 'thumbprint', 'expirationDate'] as const;
