import type { ResourceKind } from '../model/kinds.js';
import { RESOURCE_MODELS } from '../model/resources/index.js';
import { LINK_ROUTES, RESOURCE_ROUTES, type LinkRoute, type ResourceRoute } from './routes/route-table.js';

/**
 * The management API's own OpenAPI 3.1 document, generated from the route table and
 * the same TypeBox schemas that validate requests — so it cannot drift from what the
 * server does. (3.1 because its schema dialect is JSON Schema, which TypeBox emits.)
 */
type Json = Record<string, unknown>;

const SCHEMA_NAMES: { readonly [K in ResourceKind]: string } = {
  api: 'Api',
  operation: 'Operation',
  apiSchema: 'ApiSchema',
  product: 'Product',
  productApi: 'ProductApiLink',
  productGroup: 'ProductGroupLink',
  subscription: 'Subscription',
  user: 'User',
  group: 'Group',
  groupUser: 'GroupUserLink',
  backend: 'Backend',
  namedValue: 'NamedValue',
  policy: 'Policy',
  policyFragment: 'PolicyFragment',
  apiVersionSet: 'ApiVersionSet',
  tag: 'Tag',
  certificate: 'Certificate',
  signingKey: 'SigningKey',
  gateway: 'Gateway',
  gatewayApi: 'GatewayApiLink',
};

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const API_VERSION: Json = {
  name: 'api-version',
  in: 'query',
  required: false,
  description: "APIM API version (accepted for compatibility, e.g. '2024-05-01'; ignored).",
  schema: { type: 'string' },
};
const IF_MATCH: Json = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: "ETag of the resource, or '*': the write fails with 412 unless it matches.",
  schema: { type: 'string' },
};
const PAGING: Json[] = [
  { name: '$top', in: 'query', required: false, description: 'Page size (1-1000, default 100).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  { name: '$skip', in: 'query', required: false, description: 'Number of items to skip.', schema: { type: 'integer', minimum: 0 } },
];

export function buildOpenApiDocument(version = '0.1.0'): Json {
  const paths: Record<string, Json> = {};
  for (const route of RESOURCE_ROUTES) addResourcePaths(paths, route);
  for (const route of LINK_ROUTES) addLinkPaths(paths, route);
  addActionPaths(paths);
  paths['/healthz'] = { get: { summary: 'Liveness of the management API', security: [], responses: { '200': { description: 'Up.' } } } };
  paths['/openapi.json'] = { get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document.' } } } };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Portico management API',
      version,
      description:
        'Azure API Management-compatible management REST API. Every path is also served under ' +
        '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}.',
    },
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: componentSchemas() },
  };
}

function componentSchemas(): Json {
  const schemas: Json = {
    ErrorResponse: {
      type: 'object',
      description: "APIM's error body.",
      properties: {
        error: {
          type: 'object',
          properties: {
            code: { type: 'string', description: 'Stable error code.' },
            message: { type: 'string', description: 'Human-readable message.' },
            details: {
              type: 'array',
              description: 'What is wrong, field by field.',
              items: {
                type: 'object',
                properties: {
                  code: { type: 'string', description: 'Stable detail code.' },
                  target: { type: 'string', description: "The field at fault, e.g. 'properties.urlTemplate'." },
                  message: { type: 'string', description: 'What is wrong with it.' },
                  line: { type: 'integer', description: 'Line, for documents (policies, JSON bodies).' },
                  column: { type: 'integer', description: 'Column, for documents and templates.' },
                },
              },
            },
          },
        },
      },
    },
  };
  schemas.ResourceReferenceCollection = {
    type: 'object',
    description: 'A page of resources that refer to another one (APIM ResourceCollection).',
    properties: {
      value: {
        type: 'array',
        description: 'The referring resources on this page.',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', description: 'Resource id (path; with the ARM prefix when the request used it).' },
            name: { type: 'string', description: 'Resource name.' },
            type: { type: 'string', description: "APIM resource type, e.g. 'Microsoft.ApiManagement/service/apis/policies'." },
          },
        },
      },
      count: { type: 'integer', description: 'Total number of referring resources.' },
      nextLink: { type: ['string', 'null'], description: 'URL of the next page, null on the last one.' },
    },
  };
  for (const [kind, name] of Object.entries(SCHEMA_NAMES) as [ResourceKind, string][]) {
    // JSON round trip drops TypeBox's symbol-keyed metadata.
    schemas[`${name}Properties`] = JSON.parse(JSON.stringify(RESOURCE_MODELS[kind].schema)) as Json;
    schemas[name] = {
      type: 'object',
      description: `APIM envelope of a ${name}.`,
      properties: {
        id: { type: 'string', description: 'Resource id (path; with the ARM prefix when the request used it).' },
        type: { type: 'string', description: "APIM resource type, e.g. 'Microsoft.ApiManagement/service/apis'." },
        name: { type: 'string', description: 'Resource name (its id within the collection).' },
        properties: ref(`${name}Properties`),
      },
    };
    schemas[`${name}Collection`] = {
      type: 'object',
      description: `A page of ${name} resources.`,
      properties: {
        value: { type: 'array', items: ref(name), description: 'The resources on this page.' },
        count: { type: 'integer', description: 'Total number of resources.' },
        nextLink: { type: ['string', 'null'], description: 'URL of the next page, null on the last one.' },
      },
    };
  }
  return schemas;
}

function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParameters(fastifyPath: string): Json[] {
  return [...fastifyPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function errorResponses(...statuses: string[]): Json {
  const descriptions: Record<string, string> = {
    '400': 'Invalid input; details name each field.',
    '401': 'Missing or invalid bearer token.',
    '404': 'Not found.',
    '409': 'Conflicts with other resources.',
    '412': 'If-Match did not match the current ETag.',
  };
  const error = { content: { 'application/json': { schema: ref('ErrorResponse') } } };
  return Object.fromEntries(['401', ...statuses].map((status) => [status, { description: descriptions[status], ...error }]));
}

function body(name: string): Json {
  return {
    required: false,
    content: { 'application/json': { schema: { type: 'object', properties: { properties: ref(`${name}Properties`) } } } },
  };
}

const json = (name: string, description: string): Json => ({
  description,
  headers: { ETag: { schema: { type: 'string' }, description: 'Current ETag of the resource.' } },
  content: { 'application/json': { schema: ref(name) } },
});

function addResourcePaths(paths: Record<string, Json>, route: ResourceRoute): void {
  const name = SCHEMA_NAMES[route.kind];
  const item = `${route.collection}/:${route.idParam}`;
  const itemParams = [...pathParameters(item), API_VERSION];
  const extraDeleteParams =
    route.kind === 'product' || route.kind === 'user'
      ? [{ name: 'deleteSubscriptions', in: 'query', required: false, description: 'Also delete its subscriptions (else 409 when it has any).', schema: { type: 'boolean' } }]
      : [];
  const formatParam =
    route.kind === 'policy' || route.kind === 'policyFragment'
      ? [
          {
            name: 'format',
            in: 'query',
            required: false,
            description: "'rawxml' or 'xml': the document in that format when a converter is configured, else as saved.",
            schema: { type: 'string' },
          },
        ]
      : [];

  paths[openApiPath(route.collection)] = {
    get: {
      summary: `List ${route.title} resources`,
      parameters: [...pathParameters(route.collection), API_VERSION, ...PAGING],
      responses: { '200': json(`${name}Collection`, 'A page of resources.'), ...errorResponses('400', '404') },
    },
  };
  const operations: Json = {
    get: {
      summary: `Get a ${route.title}`,
      parameters: [...itemParams, ...formatParam],
      responses: { '200': json(name, 'The resource.'), ...errorResponses('404') },
    },
    put: {
      summary: `Create or replace a ${route.title}`,
      parameters: [...itemParams, IF_MATCH],
      requestBody: body(name),
      responses: { '200': json(name, 'Replaced.'), '201': json(name, 'Created.'), ...errorResponses('400', '404', '412') },
    },
    delete: {
      summary: `Delete a ${route.title}`,
      parameters: [...itemParams, IF_MATCH, ...extraDeleteParams],
      responses: { '200': { description: 'Deleted.' }, '204': { description: 'Nothing to delete.' }, ...errorResponses('409', '412') },
    },
  };
  if (route.patch) {
    operations.patch = {
      summary: `Update a ${route.title} (merge)`,
      parameters: [...itemParams, IF_MATCH],
      requestBody: body(name),
      responses: { '200': json(name, 'Updated.'), ...errorResponses('400', '404', '412') },
    };
  }
  paths[openApiPath(item)] = operations;
}

function addLinkPaths(paths: Record<string, Json>, route: LinkRoute): void {
  const name = SCHEMA_NAMES[route.linked];
  const item = `${route.collection}/:${route.idParam}`;
  const itemParams = [...pathParameters(item), API_VERSION];
  paths[openApiPath(route.collection)] = {
    get: {
      summary: `List each ${route.title}`,
      parameters: [...pathParameters(route.collection), API_VERSION, ...PAGING],
      responses: { '200': json(`${name}Collection`, 'A page of linked resources.'), ...errorResponses('400', '404') },
    },
  };
  paths[openApiPath(item)] = {
    get: { summary: `Get a linked ${route.title}`, parameters: itemParams, responses: { '200': json(name, 'The linked resource.'), ...errorResponses('404') } },
    head: { summary: `Check a link (${route.title})`, parameters: itemParams, responses: { '204': { description: 'Linked.' }, ...errorResponses('404') } },
    put: {
      summary: `Link a ${route.title}`,
      parameters: itemParams,
      requestBody: body(SCHEMA_NAMES[route.kind]),
      responses: { '200': json(name, 'Already linked.'), '201': json(name, 'Linked.'), ...errorResponses('400', '404') },
    },
    delete: {
      summary: `Unlink a ${route.title}`,
      parameters: itemParams,
      responses: { '200': { description: 'Unlinked.' }, '204': { description: 'Was not linked.' }, ...errorResponses() },
    },
  };
}

function addActionPaths(paths: Record<string, Json>): void {
  const keys: Json = {
    type: 'object',
    properties: {
      primaryKey: { type: 'string', description: 'Primary subscription key.' },
      secondaryKey: { type: 'string', description: 'Secondary subscription key.' },
    },
  };
  const sid = [...pathParameters('/subscriptions/:sid'), API_VERSION];
  paths['/subscriptions/{sid}/listSecrets'] = {
    post: {
      summary: "Read a subscription's keys",
      parameters: sid,
      responses: { '200': { description: 'The keys.', content: { 'application/json': { schema: keys } } }, ...errorResponses('404') },
    },
  };
  for (const slot of ['Primary', 'Secondary']) {
    paths[`/subscriptions/{sid}/regenerate${slot}Key`] = {
      post: {
        summary: `Replace the ${slot.toLowerCase()} key with a new random one`,
        parameters: sid,
        responses: { '204': { description: 'Regenerated.' }, ...errorResponses('404') },
      },
    };
  }
  paths['/policyFragments/{fragmentId}/listReferences'] = {
    post: {
      summary: 'List the policies and fragments that include a policy fragment',
      parameters: [...pathParameters('/policyFragments/:fragmentId'), API_VERSION, ...PAGING],
      responses: { '200': { description: 'A page of references.', content: { 'application/json': { schema: ref('ResourceReferenceCollection') } } }, ...errorResponses('404') },
    },
  };
  paths['/namedValues/{namedValueId}/listValue'] = {
    post: {
      summary: "Read a named value's value (also secret ones)",
      parameters: [...pathParameters('/namedValues/:namedValueId'), API_VERSION],
      responses: {
        '200': {
          description: 'The value.',
          content: { 'application/json': { schema: { type: 'object', properties: { value: { type: 'string', description: 'The value.' } } } } },
        },
        ...errorResponses('404'),
      },
    },
  };
  addGatewayActionPaths(paths);
}

/** The self-hosted gateway's key actions and its configuration pull (docs/gateway.md). */
function addGatewayActionPaths(paths: Record<string, Json>): void {
  const params = [...pathParameters('/gateways/:gatewayId'), API_VERSION];
  const keyType = { type: 'string', enum: ['primary', 'secondary'], description: 'Which key.' };
  const object = (properties: Record<string, Json>, required: string[] = []): Json => ({ type: 'object', properties, required });
  const jsonBody = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } });
  paths['/gateways/{gatewayId}/listKeys'] = {
    post: {
      summary: "Read a gateway's keys",
      parameters: params,
      responses: {
        '200': { description: 'The keys.', content: { 'application/json': { schema: object({ primary: { type: 'string' }, secondary: { type: 'string' } }) } } },
        ...errorResponses('404'),
      },
    },
  };
  paths['/gateways/{gatewayId}/regenerateKey'] = {
    post: {
      summary: "Replace one of a gateway's keys; tokens it signed stop working",
      parameters: params,
      requestBody: jsonBody(object({ keyType }, ['keyType'])),
      responses: { '204': { description: 'Regenerated.' }, ...errorResponses('400', '404') },
    },
  };
  paths['/gateways/{gatewayId}/generateToken'] = {
    post: {
      summary: 'Sign a token for `portico gateway` (expiry in the future, at most 30 days ahead)',
      parameters: params,
      requestBody: jsonBody(object({ keyType, expiry: { type: 'string', format: 'date-time', description: 'When the token expires.' } }, ['expiry'])),
      responses: {
        '200': { description: "The token, 'GatewayKey …'.", content: { 'application/json': { schema: object({ value: { type: 'string' } }) } } },
        ...errorResponses('400', '404'),
      },
    },
  };
  paths['/gateways/{gatewayId}/configuration'] = {
    get: {
      summary: "The gateway's configuration snapshot (Portico extension; Authorization: GatewayKey <token>, not the admin token)",
      security: [],
      parameters: [
        ...params,
        { name: 'waitSeconds', in: 'query', required: false, description: 'Long poll: wait up to this long (0-60) for a revision newer than If-None-Match.', schema: { type: 'integer', minimum: 0, maximum: 60 } },
        { name: 'If-None-Match', in: 'header', required: false, description: 'The revision the gateway has, as its ETag.', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'The snapshot; ETag is its revision.' },
        '304': { description: 'No newer revision (within waitSeconds).' },
        '401': { description: 'Missing, malformed, altered, expired or revoked gateway token; the error says which.' },
        '503': { description: 'No snapshot published yet.' },
      },
    },
  };
}
