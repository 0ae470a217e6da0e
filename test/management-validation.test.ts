import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, storeDump, type Harness } from './management-harness.js';

/**
 * Every bad input is refused with 400 naming the field at fault, and leaves the store
 * exactly as it was (same revision, same resources).
 */
let h: Harness;
let existingKey: string;

beforeAll(async () => {
  h = await startHarness({ bodyLimit: 4096 });
  await h.call('PUT', '/backends/svc', { properties: { url: 'http://127.0.0.1:9001' } });
  await h.call('PUT', '/apis/orders', { properties: { path: 'orders', backendId: 'svc' } });
  await h.call('PUT', '/apis/orders/operations/get-order', { properties: { method: 'GET', urlTemplate: '/orders/{id}' } });
  await h.call('PUT', '/products/starter', { properties: { displayName: 'Starter' } });
  await h.call('PUT', '/users/ann', { properties: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' } });
  await h.call('PUT', '/subscriptions/alice', { properties: { scope: '/products/starter', primaryKey: 'taken-key-000000000000' } });
  existingKey = 'taken-key-000000000000';
});
afterAll(async () => {
  await h.close();
});

interface BadCase {
  name: string;
  method: string;
  path: string;
  body: unknown;
  target: string;
  code: string;
  message?: RegExp;
  status?: number;
}

const cases = (): BadCase[] => [
  { name: 'malformed JSON', method: 'PUT', path: '/apis/x', body: '{"properties": {"path": "x",}}', target: 'body', code: 'MalformedJson', message: /position 28 \(line 1, column 29\)/ },
  // V8's own message would quote the text around the fault — here, a key. The error must not.
  { name: 'malformed JSON holding a key', method: 'PUT', path: '/subscriptions/x', body: '{"properties": {"scope": "/apis", "primaryKey": TOPSECRET}}', target: 'body', code: 'MalformedJson', message: /^Malformed JSON body at position 48 \(line 1, column 49\): unexpected character\.$/ },
  { name: 'unknown field', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', colour: 'red' } }, target: 'properties.colour', code: 'UnknownField' },
  { name: 'unknown nested field', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', subscriptionKeyParameterNames: { hedaer: 'k' } } }, target: 'properties.subscriptionKeyParameterNames.hedaer', code: 'UnknownField' },
  { name: 'unknown envelope field', method: 'PUT', path: '/apis/x', body: { propertis: { path: 'x' } }, target: 'propertis', code: 'UnknownField' },
  { name: 'wrong type', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', subscriptionRequired: 'yes' } }, target: 'properties.subscriptionRequired', code: 'InvalidType', message: /Expected boolean, got string/ },
  { name: 'wrong type in PATCH', method: 'PATCH', path: '/apis/orders', body: { properties: { protocols: 'https' } }, target: 'properties.protocols', code: 'InvalidType', message: /Expected array/ },
  { name: 'missing required field', method: 'PUT', path: '/apis/x', body: { properties: {} }, target: 'properties.path', code: 'RequiredField' },
  { name: 'bad enum', method: 'PUT', path: '/products/p', body: { properties: { state: 'live' } }, target: 'properties.state', code: 'InvalidValue', message: /notPublished, published/ },
  { name: 'subscription scope naming a missing product', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/products/nope' } }, target: 'properties.scope', code: 'ReferencedResourceNotFound' },
  { name: 'subscription scope of an unknown shape', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/backends/svc' } }, target: 'properties.scope', code: 'InvalidScope' },
  { name: 'subscription owner that does not exist', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/apis', ownerId: '/users/nobody' } }, target: 'properties.ownerId', code: 'ReferencedResourceNotFound' },
  { name: 'supplied key equal to an existing key', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/apis', secondaryKey: 'taken-key-000000000000' } }, target: 'properties.secondaryKey', code: 'DuplicateSubscriptionKey', message: /already in use/ },
  { name: 'primary key equal to secondary key', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/apis', primaryKey: 'same-key-1', secondaryKey: 'same-key-1' } }, target: 'properties.secondaryKey', code: 'DuplicateSubscriptionKey' },
  { name: 'key with a space', method: 'PUT', path: '/subscriptions/s', body: { properties: { scope: '/apis', primaryKey: 'a key' } }, target: 'properties.primaryKey', code: 'InvalidValue' },
  { name: 'backend URL that does not parse', method: 'PUT', path: '/backends/b', body: { properties: { url: 'http//broken' } }, target: 'properties.url', code: 'InvalidUrl' },
  { name: 'backend URL with a bad scheme', method: 'PUT', path: '/backends/b', body: { properties: { url: 'ftp://files.example.com' } }, target: 'properties.url', code: 'InvalidUrl' },
  { name: 'backend pool', method: 'PUT', path: '/backends/b', body: { properties: { type: 'Pool', pool: { services: [{ id: '/backends/svc' }] } } }, target: 'properties.type', code: 'NotSupported' },
  { name: 'API serviceUrl that does not parse', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', serviceUrl: 'not a url' } }, target: 'properties.serviceUrl', code: 'InvalidUrl' },
  { name: 'API backendId naming no backend', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', backendId: 'ghost' } }, target: 'properties.backendId', code: 'ReferencedResourceNotFound' },
  { name: 'API path in use', method: 'PUT', path: '/apis/x', body: { properties: { path: '/orders/' } }, target: 'properties.path', code: 'PathInUse' },
  { name: 'API version set that does not exist', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', apiVersionSetId: '/apiVersionSets/v' } }, target: 'properties.apiVersionSetId', code: 'ReferencedResourceNotFound' },
  { name: 'API definition import', method: 'PUT', path: '/apis/x', body: { properties: { path: 'x', format: 'openapi+json', value: '{}' } }, target: 'properties.format', code: 'NotSupported' },
  { name: 'bad urlTemplate', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'GET', urlTemplate: '/orders/{id' } }, target: 'properties.urlTemplate', code: 'InvalidUrlTemplate' },
  { name: 'urlTemplate without a leading slash', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'GET', urlTemplate: 'orders' } }, target: 'properties.urlTemplate', code: 'InvalidUrlTemplate' },
  { name: 'method that is not a token', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'GE T', urlTemplate: '/x' } }, target: 'properties.method', code: 'InvalidMethod' },
  { name: 'duplicate method and template', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'get', urlTemplate: '/orders/{orderId}' } }, target: 'properties.urlTemplate', code: 'DuplicateOperation' },
  { name: 'template parameter the template lacks', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'GET', urlTemplate: '/x', templateParameters: [{ name: 'id', type: 'string' }] } }, target: 'properties.templateParameters[0].name', code: 'UnknownTemplateParameter' },
  { name: 'operation backendId naming no backend', method: 'PUT', path: '/apis/orders/operations/op', body: { properties: { method: 'GET', urlTemplate: '/x', backendId: 'ghost' } }, target: 'properties.backendId', code: 'ReferencedResourceNotFound' },
  { name: 'empty policy', method: 'PUT', path: '/apis/orders/policies/policy', body: { properties: { value: '   ' } }, target: 'properties.value', code: 'EmptyPolicy' },
  { name: 'policy not starting with <policies', method: 'PUT', path: '/apis/orders/policies/policy', body: { properties: { value: '<inbound/>' } }, target: 'properties.value', code: 'InvalidPolicy' },
  { name: 'policy format link', method: 'PUT', path: '/policies/policy', body: { properties: { format: 'xml-link', value: 'https://example.com/p.xml' } }, target: 'properties.format', code: 'NotSupported' },
  { name: 'Header version set without header name', method: 'PUT', path: '/apiVersionSets/v', body: { properties: { versioningScheme: 'Header' } }, target: 'properties.versionHeaderName', code: 'RequiredField' },
  { name: 'user with a bad email', method: 'PUT', path: '/users/bob', body: { properties: { email: 'not-an-email', firstName: 'B', lastName: 'C' } }, target: 'properties.email', code: 'InvalidValue' },
  { name: 'user email already taken', method: 'PUT', path: '/users/bob', body: { properties: { email: 'ANN@example.com', firstName: 'B', lastName: 'C' } }, target: 'properties.email', code: 'DuplicateEmail' },
  { name: 'named value Key Vault reference', method: 'PUT', path: '/namedValues/nv', body: { properties: { keyVault: { secretIdentifier: 'https://kv/secrets/x' } } }, target: 'properties.keyVault', code: 'NotSupported' },
  { name: 'named value without value', method: 'PUT', path: '/namedValues/nv', body: { properties: { secret: true } }, target: 'properties.value', code: 'RequiredField' },
  { name: 'resource id with bad characters', method: 'PUT', path: '/tags/a%20b', body: { properties: {} }, target: 'name', code: 'InvalidResourceId' },
  { name: 'resource id that is too long', method: 'PUT', path: `/tags/${'t'.repeat(257)}`, body: { properties: {} }, target: 'name', code: 'InvalidResourceId' },
  { name: 'deleteSubscriptions not a boolean', method: 'DELETE', path: '/products/starter?deleteSubscriptions=yes', body: undefined, target: 'deleteSubscriptions', code: 'InvalidQueryParameter' },
];

describe('bad input is refused with 400 naming the field, and nothing is written', () => {
  it.each(cases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await storeDump(h.store);
    const reply = await h.call(c.method, c.path, c.body);
    expect(reply.status).toBe(c.status ?? 400);
    expect(reply.body.error.code).toBe('ValidationError');
    const detail = reply.body.error.details.find((d: { target: string }) => d.target === c.target);
    expect(detail, JSON.stringify(reply.body)).toBeDefined();
    expect(detail.code).toBe(c.code);
    if (c.message) expect(detail.message).toMatch(c.message);
    expect(await storeDump(h.store)).toBe(before);
  });

  it('never reveals which subscription owns a duplicate key', async () => {
    const reply = await h.call('PUT', '/subscriptions/s', { properties: { scope: '/apis', primaryKey: existingKey } });
    expect(reply.status).toBe(400);
    expect(reply.text).not.toContain('alice');
    expect(reply.text).not.toContain(existingKey);
  });

  it('refuses a body over the limit with 413 and writes nothing', async () => {
    const before = await storeDump(h.store);
    const reply = await h.call('PUT', '/products/big', { properties: { description: 'x'.repeat(5000) } });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('RequestEntityTooLarge');
    expect(await storeDump(h.store)).toBe(before);
  });

  it('reports every problem of one body at once', async () => {
    const reply = await h.call('PUT', '/apis/x', { properties: { path: 1, colour: 'red', isCurrent: 'no' } });
    const targets = reply.body.error.details.map((d: { target: string }) => d.target).sort();
    expect(targets).toEqual(['properties.colour', 'properties.isCurrent', 'properties.path']);
  });

  it('accepts and ignores read-only fields the Azure SDK echoes back', async () => {
    const reply = await h.call('PUT', '/apis/echoed', {
      id: '/apis/echoed',
      name: 'echoed',
      type: 'Microsoft.ApiManagement/service/apis',
      properties: { path: 'echoed', isOnline: false, provisioningState: 'Succeeded' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.properties.isOnline).toBe(true);
    expect(reply.body.properties.provisioningState).toBeUndefined();
    const subscription = await h.call('PATCH', '/subscriptions/alice', { properties: { createdDate: '2001-01-01T00:00:00Z', state: 'active' } });
    expect(subscription.status).toBe(200);
    expect(subscription.body.properties.createdDate).not.toBe('2001-01-01T00:00:00Z');
  });
});
