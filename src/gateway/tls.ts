/**
 * The gateway's HTTPS listener: node `https` options built once from PEM material, and the
 * listener's client CA parsed into trust anchors the policies can chain to.
 *
 * Client certificates are *requested* (when a client CA is configured) but never required at
 * the TLS layer (`rejectUnauthorized: false`): a client without one, or with one that does
 * not verify, still completes the handshake, so policy (validate-client-certificate,
 * `context.Request.Certificate`) decides per API and the client gets an APIM-style JSON
 * 401/403 instead of a bare handshake failure.
 */
import { X509Certificate } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { PorticoError } from '../model/errors.js';
import type { EdgeLimits } from './edge/server-options.js';

export interface GatewayTlsOptions {
  /** PEM server certificate, leaf first (intermediates may follow). */
  readonly cert: string | Buffer;
  /** PEM private key of the server certificate. */
  readonly key: string | Buffer;
  /** Passphrase of an encrypted key. */
  readonly passphrase?: string;
  /** PEM CA certificate(s) client certificates are verified against; clients are asked for a certificate when set. */
  readonly clientCa?: string | Buffer;
  /**
   * PEM certificate revocation list(s) of the client CA: the handshake marks a listed client
   * certificate as revoked (validate-client-certificate's `validate-revocation` refuses it).
   */
  readonly clientCrl?: string | Buffer;
  /** Ask clients for a certificate even without a client CA (identity checks only). Default: a client CA is set. */
  readonly requestClientCertificate?: boolean;
}

/** Largest client CA bundle accepted (a bundle, not a trust store dump). */
const MAX_CLIENT_CAS = 100;

/** The client CA bundle as X509 certificates; throws a PorticoError naming what is wrong. */
export function parseClientCas(pem: string | Buffer | undefined): readonly X509Certificate[] {
  if (pem === undefined) return [];
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new PorticoError('InvalidClientCa', 400, 'the client CA holds no PEM certificate');
  if (blocks.length > MAX_CLIENT_CAS) throw new PorticoError('InvalidClientCa', 400, `the client CA holds more than ${MAX_CLIENT_CAS} certificates`);
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new PorticoError('InvalidClientCa', 400, `the client CA's certificate #${index + 1} is not a valid X.509 certificate`);
    }
  });
}

/** The TLS half of the `https` server options (the edge's pinned HTTP options are the other). */
export function tlsServerOptions(tls: GatewayTlsOptions, limits: EdgeLimits): TlsOptions {
  const requestCert = tls.requestClientCertificate ?? tls.clientCa !== undefined;
  return {
    cert: tls.cert,
    key: tls.key,
    passphrase: tls.passphrase,
    minVersion: 'TLSv1.2',
    // A client gets as long to finish the handshake as to send its headers.
    handshakeTimeout: limits.headersTimeoutMs,
    requestCert,
    ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa }),
    ...(tls.clientCrl === undefined ? {} : { crl: tls.clientCrl }),
    // Policy decides (see the module comment); the handshake's verdict is kept as socket.authorized.
    rejectUnauthorized: false,
    ALPNProtocols: ['http/1.1'],
  };
}
