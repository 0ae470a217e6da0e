import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../model/errors.js';

/** Route option: `{ config: { public: true } }` serves the route without the bearer token. */
export interface PublicRouteConfig {
  public?: boolean;
}

/**
 * `Authorization: Bearer <token>` on every route not marked public. Both sides are
 * hashed first so the comparison is constant-time whatever the presented length.
 */
export function registerBearerAuth(app: FastifyInstance, adminToken: string): void {
  if (adminToken.length === 0) throw new Error('The admin token must not be empty.');
  const expected = digest(adminToken);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if ((request.routeOptions.config as PublicRouteConfig | undefined)?.public === true) return;
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) throw new UnauthorizedError();
  });
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

export function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
