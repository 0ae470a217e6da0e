import type { FastifyInstance } from 'fastify';
import { etagHeader } from '../etag-match.js';
import type { ManagementService } from '../service.js';
import { paramsOf } from './request-parts.js';

/** APIM's POST actions on subscriptions and named values. */
export function registerActionRoutes(app: FastifyInstance, service: ManagementService): void {
  app.post('/subscriptions/:sid/listSecrets', async (request, reply) => {
    const secrets = await service.listSubscriptionSecrets(paramsOf(request).sid);
    // Keys must not linger in shared caches.
    return reply
      .header('ETag', etagHeader(secrets.etag))
      .header('Cache-Control', 'no-store')
      .send({ primaryKey: secrets.primaryKey, secondaryKey: secrets.secondaryKey });
  });

  app.post('/subscriptions/:sid/regeneratePrimaryKey', async (request, reply) => {
    const view = await service.regenerateSubscriptionKey(paramsOf(request).sid, 'primaryKey');
    return reply.status(204).header('ETag', etagHeader(view.etag)).send();
  });

  app.post('/subscriptions/:sid/regenerateSecondaryKey', async (request, reply) => {
    const view = await service.regenerateSubscriptionKey(paramsOf(request).sid, 'secondaryKey');
    return reply.status(204).header('ETag', etagHeader(view.etag)).send();
  });

  app.post('/namedValues/:namedValueId/listValue', async (request, reply) => {
    const { value, etag } = await service.listNamedValueValue(paramsOf(request).namedValueId);
    return reply.header('ETag', etagHeader(etag)).header('Cache-Control', 'no-store').send({ value });
  });
}
