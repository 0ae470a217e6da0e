/**
 * Real X.509 material for TLS tests, made at test time: a CA, server certificates for
 * 127.0.0.1/localhost, client certificates, PFX bundles. RSA keys come from node's native
 * generator (fast); node-forge builds and signs the certificates.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key (PKCS#8). */
  readonly key: string;
  /** SHA-1 thumbprint, upper-case hex without separators (APIM's form). */
  readonly thumbprint: string;
  /** Subject as "CN=…" (plus O= when given). */
  readonly subject: string;
}

export interface IssueOptions {
  commonName: string;
  organization?: string;
  /** DNS names and IP addresses for the subjectAltName (servers). */
  altNames?: readonly string[];
  /** Days from now; negative for an expired certificate. Default 30. */
  validDays?: number;
  /** Days before now the validity starts. Default 1. */
  notBeforeDaysAgo?: number;
  /** Serial number, hex. Default random. */
  serial?: string;
  /** 'server' (serverAuth), 'client' (clientAuth) or 'ca'. */
  kind: 'server' | 'client' | 'ca';
}

/** A certificate signed by `issuer` (or self-signed when `issuer` is undefined). */
export function issueCertificate(options: IssueOptions, issuer?: Issued): Issued {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = options.serial ?? randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - (options.notBeforeDaysAgo ?? 1) * 86_400_000);
  cert.validity.notAfter = new Date(now + (options.validDays ?? 30) * 86_400_000);
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: options.commonName }];
  if (options.organization !== undefined) subject.push({ name: 'organizationName', value: options.organization });
  cert.setSubject(subject);
  cert.setIssuer(issuer === undefined ? subject : forge.pki.certificateFromPem(issuer.cert).subject.attributes);

  const extensions: object[] = [{ name: 'basicConstraints', cA: options.kind === 'ca' }];
  if (options.kind === 'ca') extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true });
  else {
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
    extensions.push({ name: 'extKeyUsage', serverAuth: options.kind === 'server', clientAuth: options.kind === 'client' });
  }
  if (options.altNames !== undefined && options.altNames.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: options.altNames.map((name) => (/^[\d.]+$|:/.test(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(extensions);

  const signingKey = forge.pki.privateKeyFromPem(issuer === undefined ? keyPem : issuer.key);
  cert.sign(signingKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return {
    cert: certPem,
    key: keyPem,
    thumbprint: new X509Certificate(certPem).fingerprint.replaceAll(':', ''),
    subject: options.organization === undefined ? `CN=${options.commonName}` : `CN=${options.commonName}, O=${options.organization}`,
  };
}

/** A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, all from the CA. */
export function issueTestPki(): { ca: Issued; server: Issued; client: Issued } {
  const ca = issueCertificate({ commonName: 'Portico Test CA', kind: 'ca', validDays: 365 });
  const server = issueCertificate({ commonName: 'localhost', kind: 'server', altNames: ['localhost', '127.0.0.1'] }, ca);
  const client = issueCertificate({ commonName: 'test-client', organization: 'Portico Tests', kind: 'client' }, ca);
  return { ca, server, client };
}

/** A PKCS#12 (PFX) bundle of the certificate and its key (plus chain), base64, as APIM uploads take it. */
export function toPfxBase64(issued: Issued, password: string, chain: readonly Issued[] = []): string {
  const key = forge.pki.privateKeyFromPem(issued.key);
  const certs = [issued, ...chain].map((entry) => forge.pki.certificateFromPem(entry.cert));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

function randomSerial(): string {
  // A positive, minimally encoded DER integer: a first hex digit of 1–7 keeps the sign bit
  // clear, and never 0 (a leading 0x00 before a byte below 0x80 is "illegal padding" to
  // OpenSSL, which failed about one certificate in 128).
  return ((1 + Math.floor(Math.random() * 7)).toString(16) + forge.util.bytesToHex(forge.random.getBytesSync(15))).toLowerCase();
}
