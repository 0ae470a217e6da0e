import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../../model/errors.js';
import { bearerToken, digest } from './auth.js';

/** Where `GET /metrics` gets its text (the CLI passes the gateway's Prometheus registry). */
export interface MetricsEndpoint {
  /** The exposition text, rendered per scrape. */
  render(): Promise<string>;
  /** Its content type (Prometheus text or OpenMetrics). */
  readonly contentType: string;
  /**
   * A token for scrapers, so Prometheus need not hold the admin token: a scrape needs
   * `Authorization: Bearer <token>` or the admin token.
   */
  readonly token?: string;
  /**
   * Open to anyone who can reach the admin port (PORTICO_METRICS_PUBLIC=on). Off by default:
   * the metrics name every API, operation and product and show their traffic.
   */
  readonly public?: boolean;
}

/**
 * Whether an `Authorization` header may scrape: the endpoint is public, or it carries one
 * of these tokens (the scrape token, the admin token where there is one).
 */
export function scrapeAuthorizer(endpoint: MetricsEndpoint, adminToken?: string): (authorization: string | undefined) => boolean {
  if (endpoint.public === true) return () => true;
  const tokens = [endpoint.token, adminToken].filter((t): t is string => t !== undefined && t !== '');
  const accepted = tokens.map(digest);
  return (authorization) => {
    const presented = bearerToken(authorization);
    if (presented === undefined) return false;
    const hashed = digest(presented);
    // Every comparison always runs: the time taken does not tell which token was close.
    return accepted.map((expected) => timingSafeEqual(hashed, expected)).includes(true);
  };
}

/** `GET /metrics` on the admin port, with its own (optional) token rather than the admin API's. */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint, adminToken: string): void {
  const mayScrape = scrapeAuthorizer(endpoint, adminToken);
  app.get('/metrics', { config: { public: true } }, async (request, reply) => {
    if (!mayScrape(request.headers.authorization)) throw new UnauthorizedError();
    const text = await endpoint.render();
    return reply.header('content-type', endpoint.contentType).header('cache-control', 'no-store').send(text);
  });
}
