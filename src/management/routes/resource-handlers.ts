import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../model/errors.js';
import type { ResourceKind } from '../../model/kinds.js';
import { POLICY_FORMATS, POLICY_FRAGMENT_FORMATS } from '../../model/resources/index.js';
import type { ResourceKey } from '../../store/types.js';
import { etagHeader } from '../etag-match.js';
import type { ManagementService, ResourceView } from '../service.js';
import { toEnvelope } from './envelope.js';
import {
  armPrefix,
  booleanQuery,
  ifMatchOf,
  nextLinkOf,
  pagingOf,
  paramsOf,
  propertiesOf,
  queryOf,
  queryValue,
} from './request-parts.js';
import type { ResourceRoute } from './route-table.js';

/**
 * Rewrites a policy document (or fragment) from one format into the other (rawxml ⇄ xml).
 * The expression-aware policy parser provides it; the management layer only calls it.
 */
export type PolicyConverter = (value: string, from: 'rawxml' | 'xml', to: 'rawxml' | 'xml') => string;

/** Kinds whose GET honours `?format=`, with the formats APIM names for each. */
const DOCUMENT_FORMATS: Partial<Record<ResourceKind, readonly string[]>> = {
  policy: POLICY_FORMATS,
  policyFragment: POLICY_FRAGMENT_FORMATS,
};

/** Registers list, get, put, patch and delete for one collection of the route table. */
export function registerResourceRoutes(
  app: FastifyInstance,
  service: ManagementService,
  route: ResourceRoute,
  convertPolicy?: PolicyConverter,
): void {
  const item = `${route.collection}/:${route.idParam}`;
  const keyOf = (request: FastifyRequest): ResourceKey => {
    const params = paramsOf(request);
    return { kind: route.kind, parent: route.parent(params), id: params[route.idParam] };
  };
  const send = (request: FastifyRequest, reply: FastifyReply, view: ResourceView, status = 200) => {
    const body = toEnvelope(view, route.type, armPrefix(request));
    const formats = DOCUMENT_FORMATS[route.kind];
    if (formats !== undefined) {
      body.properties = documentInRequestedFormat(body.properties, queryValue(queryOf(request), 'format'), formats, convertPolicy);
    }
    return reply.status(status).header('ETag', etagHeader(view.etag)).send(body);
  };

  app.get(route.collection, async (request, reply) => {
    const paging = pagingOf(queryOf(request));
    const parent = route.parent(paramsOf(request));
    const page = await service.list(route.kind, { parent, ...paging });
    const prefix = armPrefix(request);
    return reply.send({
      value: page.items.map((view) => toEnvelope(view, route.type, prefix)),
      count: page.total,
      nextLink: nextLinkOf(request, paging, page.items.length, page.total) ?? null,
    });
  });

  app.get(item, async (request, reply) => send(request, reply, await service.get(keyOf(request))));

  app.put(item, async (request, reply) => {
    const { resource, created } = await service.put(keyOf(request), propertiesOf(request.body), { ifMatch: ifMatchOf(request) });
    return send(request, reply, resource, created ? 201 : 200);
  });

  if (route.patch) {
    app.patch(item, async (request, reply) => {
      const view = await service.patch(keyOf(request), propertiesOf(request.body), { ifMatch: ifMatchOf(request) });
      return send(request, reply, view);
    });
  }

  app.delete(item, async (request, reply) => {
    const deleted = await service.delete(keyOf(request), {
      ifMatch: ifMatchOf(request),
      deleteSubscriptions: booleanQuery(queryOf(request), 'deleteSubscriptions'),
    });
    return reply.status(deleted ? 200 : 204).send();
  });
}

/**
 * `?format=` on a policy or fragment GET. A document is kept in the format it was saved
 * in and returned in it, unless the client asks for the other one and a converter is
 * plugged in (conversion needs the expression-aware policy parser). `format` always
 * names what the value actually is.
 */
function documentInRequestedFormat(
  properties: Record<string, unknown>,
  requested: string | undefined,
  formats: readonly string[],
  convert: PolicyConverter | undefined,
): Record<string, unknown> {
  if (requested !== undefined && !formats.includes(requested)) {
    throw new ValidationError(`format must be one of ${formats.join(', ')}.`, [
      { code: 'InvalidQueryParameter', target: 'format', message: `Unknown policy format '${requested}'.` },
    ]);
  }
  const saved = properties.format === 'rawxml' ? 'rawxml' : 'xml';
  if (convert === undefined || (requested !== 'rawxml' && requested !== 'xml') || requested === saved) {
    return { ...properties, format: saved };
  }
  return { ...properties, format: requested, value: convert(String(properties.value), saved, requested) };
}
