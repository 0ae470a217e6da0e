import { rootCertificates, type ConnectionOptions } from 'node:tls';
import type { BackendCertificateHandle } from '../../policies/contract/context.js';

/**
 * A certificate resource compiled for TLS: what a backend trusts (CA) or what the gateway
 * presents to it (client, when it has a key). Made once per snapshot; its identity in pool
 * keys is the thumbprint, so the same certificate across reloads shares warm connections.
 */
export class BackendCertificate implements BackendCertificateHandle {
  constructor(
    readonly id: string,
    readonly thumbprint: string,
    /** PEM, the certificate first, then its chain (sent in the handshake). */
    readonly certificatePem: string,
    /** PKCS#8 PEM; undefined for a CA certificate. */
    readonly privateKeyPem: string | undefined,
  ) {}
}

/** How the gateway speaks TLS to one backend. */
export interface BackendTls {
  /** Validate the chain (APIM `tls.validateCertificateChain`). */
  readonly rejectUnauthorized: boolean;
  /** Validate the host name against the certificate (APIM `tls.validateCertificateName`). */
  readonly checkServerName: boolean;
  /** Extra trusted CAs (Portico `tls.caCertificateIds`), besides node's public roots. */
  readonly trustedCas: readonly BackendCertificate[];
  /** Presented to the backend (APIM `credentials.certificateIds`, or authentication-certificate). */
  readonly clientCertificate: BackendCertificate | null;
  /**
   * The TLS server name (SNI, and the name the certificate is checked against) when a policy
   * set a `Host` header naming another host than the URL's; absent: the URL's host.
   */
  readonly serverName?: string;
}

export const DEFAULT_BACKEND_TLS: BackendTls = Object.freeze({
  rejectUnauthorized: true,
  checkServerName: true,
  trustedCas: [],
  clientCertificate: null,
});

/** '' for the default settings; otherwise names them, so different TLS identities never share a pool. */
export function tlsPoolSuffix(tls: BackendTls): string {
  let suffix = '';
  if (!tls.rejectUnauthorized) suffix += '#insecure';
  if (!tls.checkServerName) suffix += '#any-name';
  if (tls.trustedCas.length > 0) suffix += `#ca=${tls.trustedCas.map((c) => c.thumbprint).join(',')}`;
  if (tls.clientCertificate !== null) suffix += `#client=${tls.clientCertificate.thumbprint}`;
  if (tls.serverName !== undefined) suffix += `#sni=${tls.serverName}`;
  return suffix;
}

/** The `tls.connect` options for a pool with these settings. */
export function tlsConnectOptions(tls: BackendTls): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.serverName !== undefined) options.servername = tls.serverName;
  // `ca` replaces node's trust store, so the public roots are added back: a custom CA widens trust, never narrows it.
  if (tls.trustedCas.length > 0) options.ca = [...rootCertificates, ...tls.trustedCas.map((c) => c.certificatePem)];
  if (!tls.checkServerName) options.checkServerIdentity = () => undefined;
  const client = tls.clientCertificate;
  if (client !== null && client.privateKeyPem !== undefined) {
    options.cert = client.certificatePem;
    options.key = client.privateKeyPem;
  }
  return options;
}
