import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { stateOf } from '../engine/request-state.js';
import { ResponseValue } from '../http/response-value.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine, responseText } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('return-response', () => {
  it('answers with the status, headers and body its children set, without the backend', async () => {
    const ctx = await runApiPolicy(
      engine,
      inboundDocument(`<return-response>
        <set-status code="401" reason="Nope" />
        <set-header name="WWW-Authenticate" exists-action="override"><value>Bearer</value></set-header>
        <set-body>{"error":"unauthorized"}</set-body>
      </return-response><set-variable name="after" value="1" />`),
    );
    expect(ctx.forwarded).toHaveLength(0);
    expect(ctx.response).toMatchObject({ statusCode: 401, statusMessage: 'Nope', headers: { 'www-authenticate': 'Bearer', 'content-length': 24 } });
    expect(responseText(ctx)).toBe('{"error":"unauthorized"}');
    expect(ctx.policyState!.variables.has('after')).toBe(false);
  });

  it('answers 200 with no body when empty', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<return-response />'));
    expect(ctx.response).toMatchObject({ statusCode: 200, body: null });
  });

  it('returns a response held in a variable, with changes', async () => {
    const ctx = await runApiPolicy(
      engine,
      inboundDocument('<return-response response-variable-name="saved"><set-header name="x-extra" exists-action="override"><value>1</value></set-header></return-response>'),
      (c) => {
        stateOf(c).variables.set('saved', new ResponseValue(202, 'Accepted', { 'content-type': 'text/plain' }, Buffer.from('kept')));
      },
    );
    expect(ctx.response).toMatchObject({ statusCode: 202, headers: { 'content-type': 'text/plain', 'x-extra': '1', 'content-length': 4 } });
    expect(responseText(ctx)).toBe('kept');
  });

  it('fails when the variable holds no response', async () => {
    const failure = await runApiPolicy(engine, inboundDocument('<return-response response-variable-name="missing" />')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'ResponseVariableNotFound', status: 500 });
  });

  it('accepts only set-status, set-header and set-body', () => {
    expect(problemsOf(engine, inboundDocument('<return-response><set-variable name="a" value="b" /></return-response>'))[0].code).toBe('UnexpectedElement');
  });
});
