/**
 * `<mock-response status-code="200" content-type="application/json"/>`: answers with the
 * operation's documented example (or a sample of its documented schema type) and ends the pipeline. The body is built once per
 * operation, on its first mocked call.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import type { PolicyOperationSource } from '../contract/snapshot-view.js';
import { isStreamBody } from '../http/bodies.js';
import { mockedResponse, type MockedResponse } from './example.js';

export const mockResponsePolicy: PolicyDefinition = {
  name: 'mock-response',
  sections: ['inbound', 'outbound', 'on-error'],
  attributes: {
    'status-code': { type: 'int', min: 100, max: 599, expression: false },
    'content-type': { expression: false },
  },
  compile(element, c) {
    c.children(element, []);
    const statusCode = constantOf(c.int(element, 'status-code', 200)!)!.value;
    const contentType = c.literal(element, 'content-type');
    const byOperation = new WeakMap<PolicyOperationSource, MockedResponse>();
    const none = mockedResponse([], statusCode, contentType);
    const schemas = c.snapshot?.apiSchemas ?? [];
    return (ctx) => {
      const operation = ctx.operation?.source;
      let mocked = operation === undefined ? none : byOperation.get(operation);
      if (mocked === undefined && operation !== undefined) {
        const apiId = operation.apiId;
        mocked = mockedResponse(operation.responses, statusCode, contentType, (schemaId) => schemas.find((s) => s.apiId === apiId && s.id === schemaId)?.types);
        byOperation.set(operation, mocked);
      }
      const previous = ctx.response?.body;
      if (previous !== undefined && isStreamBody(previous)) previous.destroy();
      const headers: Record<string, string | number> = { 'content-length': mocked!.body.length };
      if (mocked!.contentType !== undefined) headers['content-type'] = mocked!.contentType;
      ctx.response = { statusCode, headers, body: mocked!.body };
      stateOf(ctx).ended = true;
    };
  },
};
