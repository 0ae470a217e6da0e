import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asTokenError, verifierOf, type VerifierSource } from './http.js';
import type { PorticoCaller } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified gateway caller (set by @portico/verify's hook). */
    portico?: PorticoCaller;
  }
}

/**
 * A Fastify `onRequest` hook: verifies the gateway token and sets `request.portico`, or
 * answers 401 (503 when the keys cannot be fetched). Use it per route
 * (`{ onRequest: porticoFastifyHook(…) }`) or for a whole scope (`app.addHook('onRequest', …)`).
 */
export function porticoFastifyHook(source: VerifierSource): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const verifier = verifierOf(source);
  return async (request, reply) => {
    try {
      request.portico = await verifier.verifyHeaders(request.headers);
    } catch (error) {
      const refusal = asTokenError(error);
      if (refusal.status === 401) {
        reply.header('www-authenticate', refusal.code === 'MissingToken' ? 'Bearer' : 'Bearer error="invalid_token"');
      } else reply.header('retry-after', '5');
      await reply.code(refusal.status).send({ statusCode: refusal.status, message: refusal.message });
    }
  };
}

/**
 * A Fastify plugin adding the hook to the instance it is registered on and everything
 * under it (it skips Fastify's encapsulation, as fastify-plugin would):
 *
 *   await app.register(porticoFastify, { gatewayUrl, audience: 'orders' });
 */
export const porticoFastify = Object.assign(
  async function porticoFastify(app: FastifyInstance, source: VerifierSource): Promise<void> {
    if (!app.hasRequestDecorator('portico')) app.decorateRequest('portico', undefined);
    app.addHook('onRequest', porticoFastifyHook(source));
  },
  { [Symbol.for('skip-override')]: true },
);
