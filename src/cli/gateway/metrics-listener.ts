import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayErrorBody } from '../../gateway/errors.js';
import { writeJson } from '../../gateway/respond.js';
import { scrapeAuthorizer, type MetricsEndpoint } from '../../management/routes/metrics.js';

export interface MetricsListener {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * `GET /metrics` of a `portico gateway` process on its own port (`--metrics-port`): a
 * gateway has no admin server, and its metrics must not share the gateway's port, where
 * every caller of the APIs could read them. A scrape needs the scrape token
 * (PORTICO_METRICS_TOKEN) unless PORTICO_METRICS_PUBLIC=on. Nothing else is served.
 */
export async function listenForMetrics(endpoint: MetricsEndpoint, host: string, port: number): Promise<MetricsListener> {
  const mayScrape = scrapeAuthorizer(endpoint);
  const server: Server = createServer((req, res) => void answer(req, res));
  // A scraper's keep-alive connection must not hold the shutdown up.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return json(res, 404, 'Resource not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, 'Only GET /metrics is served here', { allow: 'GET, HEAD' });
    if (!mayScrape(req.headers.authorization)) {
      return json(res, 401, 'Access denied: a bearer token (PORTICO_METRICS_TOKEN) is required', { 'www-authenticate': 'Bearer' });
    }
    let text: string;
    try {
      text = await endpoint.render();
    } catch {
      return json(res, 500, 'The metrics could not be rendered');
    }
    res.writeHead(200, { 'content-type': endpoint.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(res: ServerResponse, statusCode: number, message: string, headers?: Record<string, string>): void {
  writeJson(res, statusCode, gatewayErrorBody(statusCode, message), false, headers);
}
