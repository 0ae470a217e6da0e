/**
 * A real HTTPS upstream for backend TLS tests: serves a certificate made at test time and,
 * when asked, requires a client certificate from a CA (an ingress requiring mutual TLS).
 * Answers every request with JSON saying what it saw: the client certificate's CN and the
 * Authorization header.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { SnapshotCertificate } from '../../src/config/snapshot.js';
import type { Issued } from './certificates.js';

export interface TlsUpstreamOptions {
  server: Issued;
  /** Require a client certificate issued by this CA (handshake refused otherwise). */
  requireClientCertFrom?: Issued;
}

export interface TlsUpstream {
  /** `https://127.0.0.1:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface TlsUpstreamAnswer {
  clientCn: string | null;
  authorization: string | null;
  url: string;
  /** The TLS server name the client sent (SNI), null for none. */
  serverName: string | null;
  /** The Host header. */
  host: string | null;
}

export async function startTlsUpstream(options: TlsUpstreamOptions): Promise<TlsUpstream> {
  const ca = options.requireClientCertFrom;
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      cert: options.server.cert,
      key: options.server.key,
      ...(ca === undefined ? {} : { ca: ca.cert, requestCert: true, rejectUnauthorized: true }),
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const answer: TlsUpstreamAnswer = {
        clientCn: typeof peer?.subject?.CN === 'string' ? peer.subject.CN : null,
        authorization: req.headers.authorization ?? null,
        url: req.url ?? '/',
        serverName: (req.socket as TLSSocket).servername || null,
        host: req.headers.host ?? null,
      };
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A refused handshake is the point of some tests, not a failure of the server.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A certificate resource as a snapshot carries it (what the control plane publishes). */
export function snapshotCertificate(id: string, issued: Issued, options: { withKey?: boolean } = {}): SnapshotCertificate {
  return {
    id,
    subject: issued.subject,
    thumbprint: issued.thumbprint,
    expirationDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    certificate: issued.cert,
    ...(options.withKey === false ? {} : { privateKey: issued.key }),
  };
}
