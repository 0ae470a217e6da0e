import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/**
 * Reads an uploaded certificate: APIM's base64 PKCS#12 (PFX) with its password, or PEM
 * text (Portico extension). What comes out is PEM, the form node's TLS takes, plus the
 * facts APIM shows (subject, thumbprint, expiry). The private key never leaves here
 * unencrypted except to be sealed by the caller.
 */
export interface CertificateMaterial {
  /** PEM: the certificate first, then any chain certificates that came with it. */
  readonly certificatePem: string;
  /** PKCS#8 PEM, or undefined for a certificate uploaded without its key (a CA). */
  readonly privateKeyPem: string | undefined;
  /** "CN=…, O=…" in the certificate's order. */
  readonly subject: string;
  /** SHA-1 of the DER certificate, upper-case hex (APIM's form). */
  readonly thumbprint: string;
  /** ISO 8601. */
  readonly expirationDate: string;
}

/** Which input field a problem is about, so the 400 can name it. */
export class CertificateInputError extends Error {
  constructor(
    readonly field: 'data' | 'password',
    message: string,
  ) {
    super(message);
    this.name = 'CertificateInputError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
/** A chain longer than this is a mistake (or an attack on the parser), not a certificate. */
const MAX_CERTIFICATES = 10;

export function readCertificateMaterial(data: string, password: string | undefined): CertificateMaterial {
  return data.trimStart().startsWith('-----BEGIN') ? readPem(data, password) : readPfx(data, password ?? '');
}

function readPem(data: string, password: string | undefined): CertificateMaterial {
  const certificates: string[] = [];
  let keyBlock: string | undefined;
  for (const match of data.matchAll(PEM_BLOCK)) {
    if (match[1] === 'CERTIFICATE') certificates.push(match[0]);
    else if (KEY_LABELS.has(match[1])) {
      if (keyBlock !== undefined) throw new CertificateInputError('data', 'The PEM text holds more than one private key.');
      keyBlock = match[0];
    } else throw new CertificateInputError('data', `Unexpected PEM block '${match[1]}'; expected CERTIFICATE and PRIVATE KEY blocks.`);
  }
  if (certificates.length === 0) throw new CertificateInputError('data', 'The PEM text holds no CERTIFICATE block.');
  let key: KeyObject | undefined;
  if (keyBlock !== undefined) {
    try {
      key = createPrivateKey({ key: keyBlock, format: 'pem', passphrase: password });
    } catch {
      const encrypted = keyBlock.includes('ENCRYPTED');
      throw encrypted
        ? new CertificateInputError('password', 'The private key could not be decrypted with this password.')
        : new CertificateInputError('data', 'The PEM private key could not be read.');
    }
  }
  return assemble(certificates, key);
}

function readPfx(data: string, password: string): CertificateMaterial {
  const compact = data.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) {
    throw new CertificateInputError('data', 'Expected a base64 PKCS#12 (PFX) bundle or PEM text.');
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.decode64(compact));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // forge says "PKCS#12 MAC could not be verified. Invalid password?" or fails decrypting a bag.
    if (/password|MAC|decrypt/i.test(message)) {
      throw new CertificateInputError('password', 'The PFX bundle could not be opened with this password.');
    }
    throw new CertificateInputError('data', 'The data is not a readable PKCS#12 (PFX) bundle.');
  }
  const certificates: string[] = [];
  for (const bag of p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []) {
    if (bag.cert !== undefined) certificates.push(forge.pki.certificateToPem(bag.cert));
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  if (keyBags.length > 1) throw new CertificateInputError('data', 'The PFX bundle holds more than one private key.');
  let key: KeyObject | undefined;
  const forgeKey = keyBags[0]?.key;
  if (keyBags.length === 1) {
    // forge reads RSA keys only; a bag it could not decode has no `key`.
    if (forgeKey === undefined) throw new CertificateInputError('data', 'The PFX private key is not an RSA key; upload EC keys as PEM.');
    key = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  }
  if (certificates.length === 0) throw new CertificateInputError('data', 'The PFX bundle holds no certificate.');
  return assemble(certificates, key);
}

/** The leaf is the certificate matching the key (bundles do not promise an order), else the first. */
function assemble(pems: string[], key: KeyObject | undefined): CertificateMaterial {
  if (pems.length > MAX_CERTIFICATES) throw new CertificateInputError('data', `At most ${MAX_CERTIFICATES} certificates may be uploaded together.`);
  let parsed: X509Certificate[];
  try {
    parsed = pems.map((pem) => new X509Certificate(pem));
  } catch {
    throw new CertificateInputError('data', 'A certificate could not be read.');
  }
  let leafIndex = 0;
  if (key !== undefined) {
    const publicDer = exportSpki(createPublicKey(key));
    leafIndex = parsed.findIndex((cert) => exportSpki(cert.publicKey).equals(publicDer));
    if (leafIndex < 0) throw new CertificateInputError('data', 'The private key does not belong to the certificate.');
  }
  const leaf = parsed[leafIndex];
  const ordered = [leaf, ...parsed.filter((_, i) => i !== leafIndex)];
  return {
    certificatePem: ordered.map((cert) => cert.toString()).join(''),
    privateKeyPem: key?.export({ type: 'pkcs8', format: 'pem' }).toString(),
    subject: leaf.subject.split('\n').join(', '),
    thumbprint: leaf.fingerprint.replaceAll(':', '').toUpperCase(),
    expirationDate: new Date(leaf.validTo).toISOString(),
  };
}

function exportSpki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}
