import { ConflictError } from '../../model/errors.js';
import type { BackendProperties, CertificateProperties } from '../../model/resources/index.js';
import type { StoredResource } from '../../store/types.js';
import { referencedId } from '../addresses.js';
import { CertificateInputError, readCertificateMaterial } from '../certificate-material.js';
import { invalidField, listAll } from './references.js';
import type { DeleteContext, KindRules, ManagementKeyring, WriteContext } from './types.js';

/** The sealed PEM bundle: certificate (and chain) plus the private key, one secret. */
const BUNDLE = 'bundle';

export interface CertificatePems {
  /** The certificate first, then its chain. */
  certificate: string;
  /** Undefined for a certificate uploaded without a key (a CA). */
  privateKey: string | undefined;
}

export function certificateAad(id: string): string {
  return `certificate/${id}/${BUNDLE}`;
}

/** The decrypted PEMs of a stored certificate. */
export function certificatePemsOf(keyring: ManagementKeyring, stored: StoredResource): CertificatePems {
  const opened = JSON.parse(keyring.decrypt(stored.secrets[BUNDLE], certificateAad(stored.id))) as { certificate: string; privateKey?: string };
  return { certificate: opened.certificate, privateKey: opened.privateKey };
}

/** '/certificates/x' (optionally behind the ARM prefix) or a bare 'x' → 'x'; undefined when it names something else. */
export function certificateIdOf(reference: string): string | undefined {
  return reference.includes('/') ? referencedId(reference, 'certificates') : reference;
}

export const certificateRules: KindRules = {
  async prepare(input, ctx: WriteContext) {
    const { data, password, keyVault } = input as CertificateProperties;
    const { target, existing, keyring } = ctx;
    if (keyVault !== undefined) {
      throw invalidField(`${target}.keyVault`, 'NotSupported', 'Portico has no Key Vault; upload the certificate itself in data (PFX or PEM).');
    }
    if (data === undefined) throw invalidField(`${target}.data`, 'RequiredField', "'data' is required (base64 PFX, or PEM text).");
    let material;
    try {
      material = readCertificateMaterial(data, password);
    } catch (error) {
      if (error instanceof CertificateInputError) throw invalidField(`${target}.${error.field}`, 'InvalidCertificate', error.message);
      throw error;
    }
    const pems: CertificatePems = { certificate: material.certificatePem, privateKey: material.privateKeyPem };
    // Re-uploading the same material keeps the sealed token, so the write is recognised as "no change".
    const unchanged = existing !== undefined && samePems(certificatePemsOf(keyring, existing), pems);
    const sealed = unchanged ? existing.secrets[BUNDLE] : keyring.encrypt(JSON.stringify(pems), certificateAad(ctx.key.id));
    return {
      properties: {
        subject: material.subject,
        thumbprint: material.thumbprint,
        expirationDate: material.expirationDate,
        hasPrivateKey: material.privateKeyPem !== undefined,
      },
      secrets: { [BUNDLE]: sealed },
    };
  },

  render(stored) {
    const { subject, thumbprint, expirationDate } = stored.properties;
    return { subject, thumbprint, expirationDate };
  },

  async beforeDelete(ctx: DeleteContext) {
    const users: string[] = [];
    for (const backend of await listAll(ctx.tx, 'backend')) {
      if (backendCertificateIds(backend.properties).includes(ctx.key.id)) users.push(`backend '${backend.id}'`);
    }
    if (users.length > 0) {
      const shown = users.slice(0, 5).join(', ') + (users.length > 5 ? ', …' : '');
      throw new ConflictError(`Certificate '${ctx.key.id}' is still used by ${shown}.`, [
        { code: 'CertificateInUse', target: 'certificateId', message: `Used by ${shown}.` },
      ]);
    }
  },
};

/** Every certificate id a backend names (client and CA). */
export function backendCertificateIds(p: BackendProperties): string[] {
  const references = [...(p.credentials?.certificateIds ?? []), ...(p.tls?.caCertificateIds ?? [])];
  return references.map(certificateIdOf).filter((id): id is string => id !== undefined);
}

function samePems(a: CertificatePems, b: CertificatePems): boolean {
  return a.certificate === b.certificate && a.privateKey === b.privateKey;
}

/**
 * A backend's certificate references must exist; client certificates need their private
 * key (the gateway signs the TLS handshake with it). Throws naming the field.
 */
export async function checkBackendCertificates(p: BackendProperties, ctx: WriteContext): Promise<void> {
  const lists: [string, readonly string[] | undefined, boolean][] = [
    [`${ctx.target}.credentials.certificateIds`, p.credentials?.certificateIds, true],
    [`${ctx.target}.tls.caCertificateIds`, p.tls?.caCertificateIds, false],
  ];
  for (const [field, references, needsKey] of lists) {
    for (const [index, reference] of (references ?? []).entries()) {
      const at = `${field}[${index}]`;
      const id = certificateIdOf(reference);
      if (id === undefined) throw invalidField(at, 'InvalidReference', `Expected '/certificates/{id}' or an id, got '${reference}'.`);
      const stored = await ctx.tx.get({ kind: 'certificate', parent: '', id });
      if (stored === undefined) throw invalidField(at, 'ReferencedResourceNotFound', `Certificate '${id}' does not exist.`);
      if (needsKey && stored.properties.hasPrivateKey !== true) {
        throw invalidField(at, 'CertificateWithoutKey', `Certificate '${id}' has no private key, so it cannot be presented to the backend.`);
      }
    }
  }
}
