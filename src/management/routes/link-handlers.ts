import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResourceKey } from '../../store/types.js';
import { resourcePath } from '../addresses.js';
import { etagHeader } from '../etag-match.js';
import type { ManagementService } from '../service.js';
import { toEnvelope } from './envelope.js';
import { armPrefix, ifMatchOf, nextLinkOf, pagingOf, paramsOf, propertiesOf, queryOf } from './request-parts.js';
import type { LinkRoute } from './route-table.js';

/**
 * Link collections (`/products/{p}/apis`, `/products/{p}/groups`, `/groups/{g}/users`).
 * As in APIM, PUT and GET answer with the linked resource (the API, group or user),
 * HEAD answers 204 when the link exists, and DELETE is idempotent.
 */
export function registerLinkRoutes(app: FastifyInstance, service: ManagementService, route: LinkRoute): void {
  const item = `${route.collection}/:${route.idParam}`;
  const keyOf = (request: FastifyRequest): ResourceKey => {
    const params = paramsOf(request);
    return { kind: route.kind, parent: route.parent(params), id: params[route.idParam] };
  };
  const linkedView = (id: string) => service.get({ kind: route.linked, parent: '', id });

  app.get(route.collection, async (request, reply) => {
    const paging = pagingOf(queryOf(request));
    const page = await service.list(route.kind, { parent: route.parent(paramsOf(request)), ...paging });
    const prefix = armPrefix(request);
    const value = [];
    for (const link of page.items) {
      value.push(toEnvelope(await linkedView(link.id), route.type, prefix, resourcePath(link)));
    }
    return reply.send({ value, count: page.total, nextLink: nextLinkOf(request, paging, page.items.length, page.total) ?? null });
  });

  app.route({
    method: 'GET',
    url: item,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const link = await service.get(keyOf(request));
      const body = toEnvelope(await linkedView(link.id), route.type, armPrefix(request), resourcePath(link));
      return reply.header('ETag', etagHeader(link.etag)).send(body);
    },
  });

  app.head(item, async (request, reply) => {
    const link = await service.get(keyOf(request));
    return reply.status(204).header('ETag', etagHeader(link.etag)).send();
  });

  app.put(item, async (request, reply) => {
    const key = keyOf(request);
    const { resource, created } = await service.put(key, propertiesOf(request.body), { ifMatch: ifMatchOf(request) });
    const body = toEnvelope(await linkedView(key.id), route.type, armPrefix(request), resourcePath(resource));
    return reply.status(created ? 201 : 200).header('ETag', etagHeader(resource.etag)).send(body);
  });

  app.delete(item, async (request, reply) => {
    const deleted = await service.delete(keyOf(request), { ifMatch: ifMatchOf(request) });
    return reply.status(deleted ? 200 : 204).send();
  });
}
