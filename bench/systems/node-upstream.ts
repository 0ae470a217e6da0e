import { createServer, type Server } from 'node:http';
import { UPSTREAM_BODY } from './route.js';

const BODY = Buffer.from(UPSTREAM_BODY);
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

/** The fallback upstream when nginx is absent: every path answers the same small JSON body. */
export function createNodeUpstream(): Server {
  const server = createServer((req, res) => {
    // Drain any request body so the connection can be reused.
    req.resume();
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
  // Longer than any gateway's idle pool timeout: the gateway, not the upstream, closes idle sockets.
  server.keepAliveTimeout = 65_000;
  return server;
}
