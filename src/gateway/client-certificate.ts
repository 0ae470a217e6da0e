/**
 * The client certificate of a TLS connection, read once per connection and only when a
 * request asks (policies, `context.Request.Certificate`): plain-HTTP requests and requests
 * that never look pay nothing.
 */
import type { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ClientCertificateInfo } from '../policies/contract/context.js';

/** Most certificates taken from what the client sent after its own (a chain, not a bundle). */
const MAX_INTERMEDIATES = 8;

const PEER = Symbol('porticoClientCertificate');

type CachingSocket = Socket & { [PEER]?: ClientCertificateInfo | null; encrypted?: boolean };

/** The certificate the client presented on `socket`, or null (plain HTTP, or none sent). */
export function clientCertificateOf(socket: Socket, trustAnchors: readonly X509Certificate[]): ClientCertificateInfo | null {
  const holder = socket as CachingSocket;
  let info = holder[PEER];
  if (info === undefined) {
    info = holder.encrypted === true ? readPeer(socket as TLSSocket, trustAnchors) : null;
    // Renegotiation is refused by node's defaults, so a connection's certificate cannot change.
    holder[PEER] = info;
  }
  return info;
}

function readPeer(socket: TLSSocket, trustAnchors: readonly X509Certificate[]): ClientCertificateInfo | null {
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) return null;
  // OpenSSL reports CERT_REVOKED only when the listener was given a CRL (GatewayTlsOptions.clientCrl).
  const revoked = String(socket.authorizationError) === 'CERT_REVOKED';
  return new PeerCertificate(certificate, socket.authorized, trustAnchors, revoked);
}

class PeerCertificate implements ClientCertificateInfo {
  private chain: readonly X509Certificate[] | null = null;

  constructor(
    readonly certificate: X509Certificate,
    readonly verifiedByListener: boolean,
    readonly trustAnchors: readonly X509Certificate[],
    readonly revoked: boolean,
  ) {}

  get intermediates(): readonly X509Certificate[] {
    this.chain ??= sentAfter(this.certificate);
    return this.chain;
  }
}

/** The certificates the client sent after `leaf`, each the previous one's issuer (node links them). */
function sentAfter(leaf: X509Certificate): readonly X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current = leaf;
  while (chain.length < MAX_INTERMEDIATES) {
    const next = current.issuerCertificate;
    // A self-issued certificate is its own issuer in node's view: the chain ends there.
    if (next === undefined || next.fingerprint256 === current.fingerprint256) break;
    chain.push(next);
    current = next;
  }
  return chain;
}
