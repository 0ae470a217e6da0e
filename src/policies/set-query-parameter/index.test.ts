import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';
import { changeQuery } from './query-change.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('set-query-parameter', () => {
  it.each([
    ['override', 'a=1&q=new&b=2'],
    ['skip', 'a=1&q=old&b=2'],
    ['append', 'a=1&q=old&b=2&q=new'],
    ['delete', 'a=1&b=2'],
  ] as const)('exists-action=%s keeps the other parameters byte for byte', (action, expected) => {
    expect(changeQuery('a=1&q=old&b=2', 'q', ['new'], action)).toBe(expected);
  });

  it('encodes what it adds, not what was there', () => {
    expect(changeQuery('raw=%2F%20x', 'q', ['a b&c'], 'override')).toBe('raw=%2F%20x&q=a%20b%26c');
  });

  it('changes the query sent to the backend', async () => {
    const document = inboundDocument('<set-query-parameter name="api-version" exists-action="override"><value>@("v" + 2)</value></set-query-parameter>');
    const ctx = await runApiPolicy(engine, document, (c) => {
      c.query = 'x=1';
    });
    expect(ctx.forwarded[0].url).toBe('http://backend.test/base?x=1&api-version=v2');
  });

  it('cannot run in outbound', () => {
    expect(problemsOf(engine, '<policies><outbound><set-query-parameter name="a"><value>1</value></set-query-parameter></outbound></policies>')[0].code).toBe('PolicyNotAllowedInSection');
  });
});
