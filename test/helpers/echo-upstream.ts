import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the upstream saw of one request. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** node's merged view (lower-case names). */
  headers: IncomingHttpHeaders;
  /** Names and values as sent, in order. */
  rawHeaders: string[];
  bodyLength: number;
  bodySha256: string;
  /** The body as text, kept only for bodies up to 64 KiB. */
  bodyText: string | null;
  trailers: Record<string, string | undefined>;
}

/** A custom route: answer as you like; `received` resolves once the request body was read. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface EchoUpstream {
  /** `http://127.0.0.1:port` */
  readonly url: string;
  readonly port: number;
  /** Every request the default echo handler completed, in order. */
  readonly requests: ReceivedRequest[];
  /** Requests currently open (any handler). */
  readonly openRequests: number;
  /** Routes `path` (exact, before the query) to a custom handler instead of the echo. */
  route(path: string, handler: UpstreamHandler): void;
  /** Resolves with the next request the echo handler completes. */
  nextRequest(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

const KEEP_TEXT_UP_TO = 64 * 1024;

/**
 * A real HTTP upstream for gateway tests. By default it reads the whole body (hashing,
 * not storing, large ones) and answers 200 with a JSON echo of what it received:
 * `{ method, url, headers, rawHeaders, bodyLength, bodySha256, bodyText, trailers }`.
 * Response headers: `x-upstream: echo`, plus whatever the request asked for via
 * `x-echo-response-header: name: value` (repeatable), for hop-by-hop tests.
 */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: ReceivedRequest[] = [];
  const routes = new Map<string, UpstreamHandler>();
  const waiters: ((r: ReceivedRequest) => void)[] = [];
  const sockets = new Set<Socket>();
  let open = 0;

  const server: Server = createServer((req, res) => {
    open++;
    res.on('close', () => open--);
    const path = (req.url ?? '/').split('?')[0];
    const custom = routes.get(path);
    if (custom !== undefined) {
      custom(req, res);
      return;
    }
    echo(req, res, (received) => {
      requests.push(received);
      waiters.shift()?.(received);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get openRequests() {
      return open;
    },
    route(path, handler) {
      routes.set(path, handler);
    },
    nextRequest() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function echo(req: IncomingMessage, res: ServerResponse, done: (r: ReceivedRequest) => void): void {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let length = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
    if (length <= KEEP_TEXT_UP_TO) kept.push(chunk);
  });
  req.on('end', () => {
    const received: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyLength: length,
      bodySha256: hash.digest('hex'),
      bodyText: length <= KEEP_TEXT_UP_TO ? Buffer.concat(kept).toString('utf8') : null,
      trailers: req.trailers,
    };
    const body = JSON.stringify(received);
    const headers: [string, string][] = [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(body))],
      ['x-upstream', 'echo'],
    ];
    for (const spec of headerValues(req.headers['x-echo-response-header'])) {
      const colon = spec.indexOf(':');
      if (colon > 0) headers.push([spec.slice(0, colon).trim(), spec.slice(colon + 1).trim()]);
    }
    res.writeHead(200, headers.flat());
    res.end(body);
    done(received);
  });
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/,(?=\s*[A-Za-z-]+:)/);
}
