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
   * When set, a scrape needs `Authorization: Bearer <token>` (the admin token is accepted
   * too). When unset, /metrics is open: Prometheus scrapes usually send no token.
   */
  readonly token?: string;
}

/** `GET /metrics` on the admin port, with its own (optional) token rather than the admin API's. */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint, adminToken: string): void {
  const accepted = endpoint.token === undefined || endpoint.token === '' ? null : [digest(endpoint.token), digest(adminToken)];
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
