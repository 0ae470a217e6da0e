import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { SnapshotBackend, SnapshotCertificate } from '../../config/snapshot.js';
import type { ErrorDetail } from '../../model/errors.js';
import { BackendCertificate, type BackendTls } from './backend-tls.js';

/** The snapshot's certificates, checked once per snapshot, by id and by thumbprint. */
export class CertificateIndex {
  private readonly byId = new Map<string, BackendCertificate>();
  private readonly byThumbprint = new Map<string, BackendCertificate>();

  add(certificate: BackendCertificate): void {
    this.byId.set(certificate.id, certificate);
    this.byThumbprint.set(certificate.thumbprint.toUpperCase(), certificate);
  }

  get(id: string): BackendCertificate | undefined {
    return this.byId.get(id);
  }

  /** A certificate the gateway can present (it has a key); a string says why not; undefined when unknown. */
  presentable(reference: { id: string } | { thumbprint: string }): BackendCertificate | string | undefined {
    const found = 'id' in reference ? this.byId.get(reference.id) : this.byThumbprint.get(reference.thumbprint.toUpperCase());
    if (found === undefined) return undefined;
    if (found.privateKeyPem === undefined) return `certificate '${found.id}' has no private key, so it cannot be presented to a backend`;
    return found;
  }
}

/**
 * Compiles the snapshot's certificates. A certificate node's TLS would refuse at connect
 * time (unreadable, key not matching) is reported now, against the certificate.
 */
export function compileCertificates(sources: readonly SnapshotCertificate[], problems: ErrorDetail[]): CertificateIndex {
  const index = new CertificateIndex();
  for (const source of sources) {
    try {
      const parsed = new X509Certificate(source.certificate);
      if (source.privateKey !== undefined && !parsed.checkPrivateKey(createPrivateKey(source.privateKey))) throw new Error('key mismatch');
      if (source.privateKey !== undefined) createSecureContext({ cert: source.certificate, key: source.privateKey });
    } catch {
      problems.push({ code: 'InvalidCertificate', target: `certificates/${source.id}`, message: 'the certificate or its key cannot be used for TLS.' });
      continue;
    }
    index.add(new BackendCertificate(source.id, source.thumbprint.toUpperCase(), source.certificate, source.privateKey));
  }
  return index;
}

/** A backend's TLS settings with its certificate references resolved; unknown ones are reported. */
export function backendTls(
  backend: SnapshotBackend,
  index: CertificateIndex,
  problem: (code: string, message: string) => void,
): BackendTls {
  const resolve = (id: string, needsKey: boolean): BackendCertificate | undefined => {
    const found = index.get(id);
    if (found === undefined) problem('UnknownCertificate', `certificate '${id}' does not exist.`);
    else if (needsKey && found.privateKeyPem === undefined) {
      problem('CertificateWithoutKey', `certificate '${id}' has no private key, so it cannot be presented to the backend.`);
    } else return found;
    return undefined;
  };
  const trustedCas = (backend.tls?.caCertificateIds ?? []).flatMap((id) => resolve(id, false) ?? []);
  const clientId = backend.credentials?.certificateIds?.[0];
  return {
    rejectUnauthorized: backend.tls?.validateCertificateChain !== false,
    checkServerName: backend.tls?.validateCertificateName !== false,
    trustedCas,
    clientCertificate: clientId === undefined ? null : (resolve(clientId, true) ?? null),
  };
}
