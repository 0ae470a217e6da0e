import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

export interface BareProxyOptions {
  /** Upstream origin, e.g. http://127.0.0.1:9000 */
  upstream: string;
  /** Path prefix removed before forwarding (the API path). */
  stripPrefix: string;
  /** Most upstream connections; the same default as the gateway's. */
  connections?: number;
}

export interface BareProxy {
  readonly server: Server;
  close(): Promise<void>;
}

// Hop-by-hop headers must not be forwarded (RFC 9110 §7.6.1); the rest goes through untouched.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

const BAD_GATEWAY = '{"statusCode":502,"message":"Bad gateway"}';

/**
 * The ceiling for a Node gateway: node `http` in front of one keep-alive undici Pool,
 * streaming both ways, with nothing else on the path (no routing table, no key check,
 * no policies). Portico's overhead is measured against this.
 */
export function createBareProxy(options: BareProxyOptions): BareProxy {
  const pool = new Pool(options.upstream, { connections: options.connections ?? 256, keepAliveTimeout: 4_000 });
  const prefix = options.stripPrefix;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const path = url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url;
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool
      .request({
        method: req.method ?? 'GET',
        path: path.startsWith('/') ? path : `/${path}`,
        headers: forwardable(req.headers),
        body: hasBody ? req : null,
      })
      .then(({ statusCode, headers, body }) => {
        res.writeHead(statusCode, forwardable(headers));
        body.pipe(res);
        body.once('error', () => res.destroy());
      })
      .catch(() => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BAD_GATEWAY) });
        res.end(BAD_GATEWAY);
      });
  });
  server.keepAliveTimeout = 5_000;

  return {
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
