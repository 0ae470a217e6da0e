/**
 * mock-response from a documented type: an API schema saved through the management API
 * (APIM's /apis/{id}/schemas/{id}), an operation whose response names it by schemaId and
 * typeName, and the real gateway answering with a sample of that type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementPolicyHooks } from '../../src/cli/policy-engine.js';
import { gatewaySnapshotCheck } from '../../src/cli/snapshot-check.js';
import { sampleFromSchema } from '../../src/policies/mock-response/schema-sample.js';
import { startHarness, type Harness } from '../management-harness.js';
import type { TestGateway } from '../helpers/test-gateway.js';
import { sharedEngine, startPolicyGateway } from './harness.js';

const COMPONENTS = {
  schemas: {
    Pet: {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: { type: 'integer', format: 'int64' },
        name: { type: 'string', example: 'Rex' },
        status: { type: 'string', enum: ['available', 'sold'] },
        born: { type: 'string', format: 'date' },
        tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } },
        owner: { $ref: '#/components/schemas/Owner' },
      },
    },
    Tag: { type: 'object', properties: { label: { type: 'string' } } },
    Owner: { allOf: [{ $ref: '#/components/schemas/Named' }, { type: 'object', properties: { pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } }] },
    Named: { type: 'object', properties: { name: { type: 'string', default: 'Ada' } } },
  },
};

describe('sampleFromSchema', () => {
  it('uses examples, defaults and enums, fills types by format, and stops at cycles', () => {
    expect(sampleFromSchema({ $ref: '#/components/schemas/Pet' }, COMPONENTS.schemas)).toEqual({
      id: 0,
      name: 'Rex',
      status: 'available',
      born: '2024-01-01',
      tags: [{ label: 'string' }],
      // Pet → Owner → Pet is a cycle: the inner Pet is null rather than an endless document.
      owner: { name: 'Ada', pets: [null] },
    });
  });

  it('reads Swagger 2 definitions and nullable type lists', () => {
    const definitions = { Item: { type: ['string', 'null'], format: 'uuid' } };
    expect(sampleFromSchema({ $ref: '#/definitions/Item' }, definitions)).toBe('00000000-0000-0000-0000-000000000000');
    expect(sampleFromSchema({ type: 'array', items: { type: 'number', minimum: 5 } }, {})).toEqual([5]);
    expect(sampleFromSchema({ $ref: '#/components/schemas/Missing' }, {})).toBeNull();
  });
});

describe('mock-response with an API schema through the management API', () => {
  let harness: Harness;
  let gateway: TestGateway;

  beforeAll(async () => {
    const engine = await sharedEngine();
    harness = await startHarness({ ...managementPolicyHooks(engine), checkSnapshot: gatewaySnapshotCheck(engine) });
    const put = async (path: string, properties: unknown): Promise<void> => {
      const reply = await harness.call('PUT', path, { properties });
      expect(reply.status, reply.text).toBeLessThan(300);
    };
    await put('/apis/pets', { displayName: 'Pets', path: 'pets', serviceUrl: 'http://127.0.0.1:9', protocols: ['http'], subscriptionRequired: false });
    await put('/apis/pets/schemas/pet-types', { contentType: 'application/vnd.oai.openapi.components+json', document: { components: COMPONENTS } });
    await put('/apis/pets/operations/get-pet', {
      displayName: 'Get pet',
      method: 'GET',
      urlTemplate: '/pets/{id}',
      templateParameters: [{ name: 'id', type: 'string', required: true }],
      responses: [{ statusCode: 200, representations: [{ contentType: 'application/json', schemaId: 'pet-types', typeName: 'Pet' }] }],
    });
    await put('/apis/pets/operations/get-pet/policies/policy', {
      format: 'rawxml',
      value: '<policies><inbound><base /><mock-response status-code="200" content-type="application/json" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
    });
    const snapshot = await harness.publisher.refresh();
    gateway = await startPolicyGateway(snapshot!, engine);
  });

  afterAll(async () => {
    await gateway?.close();
    await harness?.close();
  });

  it('answers with a sample of the documented type, never calling the backend', async () => {
    const response = await fetch(`${gateway.url}/pets/pets/7`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ id: 0, name: 'Rex', status: 'available', owner: { name: 'Ada' } });
  });

  it('serves the schema back in APIM shape and refuses a document that does not match its content type', async () => {
    const read = await harness.call('GET', '/apis/pets/schemas/pet-types');
    expect(read.status).toBe(200);
    expect(read.body.properties.document.components.schemas.Tag).toBeDefined();
    const bad = await harness.call('PUT', '/apis/pets/schemas/broken', {
      properties: { contentType: 'application/vnd.oai.openapi.components+json', document: { definitions: {} } },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('components.schemas');
    expect((await harness.call('GET', '/apis/pets/schemas/broken')).status).toBe(404);
  });

  it('is deleted with its API', async () => {
    expect((await harness.call('DELETE', '/apis/pets')).status).toBeLessThan(300);
    expect((await harness.call('GET', '/apis/pets/schemas/pet-types')).status).toBe(404);
  });
});
