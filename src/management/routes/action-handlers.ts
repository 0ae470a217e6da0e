import type { FastifyInstance } from 'fastify';
import { resourcePath } from '../addresses.js';
import { etagHeader } from '../etag-match.js';
import type { ManagementService } from '../service.js';
import { armPrefix, nextLinkOf, pagingOf, paramsOf, queryOf } from './request-parts.js';

const SERVICE_TYPE = 'Microsoft.ApiManagement/service';

/** APIM's POST actions on subscriptions, named values and policy fragments. */
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

  app.post('/policyFragments/:fragmentId/listReferences', async (request, reply) => {
    const paging = pagingOf(queryOf(request));
    const references = await service.listPolicyFragmentReferences(paramsOf(request).fragmentId);
    const page = references.slice(paging.skip, paging.skip + paging.top);
    const prefix = armPrefix(request);
    return reply.send({
      value: page.map((key) => {
        const path = resourcePath(key);
        return { id: `${prefix}/${path}`, name: key.id, type: resourceTypeOf(path) };
      }),
      count: references.length,
      nextLink: nextLinkOf(request, paging, page.length, references.length) ?? null,
    });
  });
}

/** APIM's type string from a resource path: its collection segments, 'apis/a/policies/policy' → '…/apis/policies'. */
function resourceTypeOf(path: string): string {
  const collections = path.split('/').filter((_, index) => index % 2 === 0);
  return `${SERVICE_TYPE}/${collections.join('/')}`;
}
