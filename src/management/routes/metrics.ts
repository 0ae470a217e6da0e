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

/** `GET /metrics` on the admin port, with its own (optional) token rather than the admin API's. */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint, adminToken: string): void {
  const tokens = endpoint.token === undefined || endpoint.token === '' ? [adminToken] : [endpoint.token, adminToken];
  const accepted = endpoint.public === true ? null : tokens.map(digest);
  app.get('/metrics', { config: { public: true } }, async (request, reply) => {
    if (accepted !== null) {
      const presented = bearerToken(request.headers.authorization);
      const hashed = presented === undefined ? null : digest(presented);
      // Both comparisons always run: the time taken does not tell which token was close.
      const ok = hashed !== null && accepted.map((expected) => timingSafeEqual(hashed, expected)).includes(true);
      if (!ok) throw new UnauthorizedError();
    }
    const text = await endpoint.render();
    return reply.header('content-type', endpoint.contentType).header('cache-control', 'no-store').send(text);
  });
}
