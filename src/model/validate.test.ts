import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { RESOURCE_KINDS } from './kinds.js';
import { RESOURCE_MODELS } from './resources/index.js';
import { validateProperties } from './validate.js';

function problems(fn: () => unknown): { target?: string; code: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('validateProperties', () => {
  it("applies APIM's defaults without touching the input", () => {
    const input = { path: 'echo', subscriptionKeyParameterNames: { header: 'X-Key' } };
    const api = validateProperties('api', input, { id: 'echo' });
    expect(api).toMatchObject({
      displayName: 'echo',
      protocols: ['https'],
      apiRevision: '1',
      isCurrent: true,
      subscriptionRequired: true,
      subscriptionKeyParameterNames: { header: 'X-Key', query: 'subscription-key' },
    });
    expect(input).toEqual({ path: 'echo', subscriptionKeyParameterNames: { header: 'X-Key' } });
    expect(validateProperties('product', {})).toMatchObject({ state: 'notPublished', subscriptionRequired: true, approvalRequired: false });
    expect(validateProperties('subscription', { scope: '/apis' })).toMatchObject({ state: 'submitted', allowTracing: false });
    expect(validateProperties('namedValue', { value: 'v' })).toMatchObject({ secret: false });
    expect(validateProperties('policy', { value: '<policies/>' })).toMatchObject({ format: 'xml' });
  });

  it('names unknown fields, wrong types with the expected type, and missing fields', () => {
    expect(problems(() => validateProperties('api', { path: 'x', colour: 1 }))).toEqual([
      { code: 'UnknownField', target: 'properties.colour', message: "Unknown field 'colour'." },
    ]);
    expect(problems(() => validateProperties('operation', { method: 'GET', urlTemplate: '/', templateParameters: [{ name: 3, type: 'string' }] }))).toEqual([
      { code: 'InvalidType', target: 'properties.templateParameters[0].name', message: 'Expected string, got integer.' },
    ]);
    expect(problems(() => validateProperties('product', { subscriptionsLimit: 'many' }))).toEqual([
      { code: 'InvalidType', target: 'properties.subscriptionsLimit', message: 'Expected integer or null, got string.' },
    ]);
    expect(problems(() => validateProperties('apiVersionSet', {}))[0]).toMatchObject({ code: 'RequiredField', target: 'properties.versioningScheme' });
  });

  it('prefixes targets with a declarative path', () => {
    expect(problems(() => validateProperties('operation', { method: 'GET' }, { target: 'apis.orders.operations.get' }))).toEqual([
      { code: 'RequiredField', target: 'apis.orders.operations.get.urlTemplate', message: "'urlTemplate' is required." },
    ]);
  });

  it('drops read-only fields instead of refusing them', () => {
    expect(validateProperties('api', { path: 'x', isOnline: true, provisioningState: 'Succeeded' })).not.toHaveProperty('isOnline');
    expect(validateProperties('group', { builtIn: true })).not.toHaveProperty('builtIn');
  });

  it('refuses a non-object', () => {
    expect(problems(() => validateProperties('tag', [1]))).toEqual([{ code: 'InvalidType', target: 'properties', message: 'Expected object, got array.' }]);
  });

  it('gives every schema field a description', () => {
    const missing: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, child] of Object.entries(properties ?? {})) {
        if (typeof child.description !== 'string' || child.description === '') missing.push(`${path}.${name}`);
        walk(child, `${path}.${name}`);
        if (child.items) walk(child.items as Record<string, unknown>, `${path}.${name}[]`);
      }
    };
    for (const kind of RESOURCE_KINDS) walk(RESOURCE_MODELS[kind].schema, kind);
    expect(missing).toEqual([]);
  });
});
