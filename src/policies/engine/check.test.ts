import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from './engine.js';
import { PolicyValidationError } from './problems.js';
import { problemsOf, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

describe('save-time checks', () => {
  it('accepts a document of known policies', () => {
    expect(problemsOf(engine, '<policies><inbound><base /><set-header name="x" exists-action="override"><value>1</value></set-header></inbound></policies>')).toEqual([]);
  });

  it('refuses a document that does not parse, with line and column', () => {
    const problems = problemsOf(engine, '<policies>\n  <inbound>\n    <set-header name="x">\n  </inbound>\n</policies>');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'MismatchedTag', line: 4 });
  });

  it('names an unknown policy and suggests a close one', () => {
    const [problem] = problemsOf(engine, '<policies>\n<inbound>\n  <set-heder name="x" />\n</inbound>\n</policies>');
    expect(problem).toMatchObject({ code: 'UnknownPolicy', line: 3, column: 3 });
    expect(problem.message).toContain('<set-heder>');
    expect(problem.message).toContain('did you mean <set-header>?');
  });

  it('names a misspelled attribute at the attribute', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><set-header name="x" exist-action="skip" /></inbound></policies>');
    expect(problem).toMatchObject({ code: 'UnknownAttribute', line: 1, column: 41 });
    expect(problem.message).toBe("<set-header> has no attribute 'exist-action'; did you mean 'exists-action'?");
  });

  it('names a missing required attribute', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><set-variable value="1" /></inbound></policies>');
    expect(problem).toMatchObject({ code: 'MissingAttribute', line: 1, column: 20 });
    expect(problem.message).toContain("'name'");
  });

  it('refuses a policy in a section where it cannot run', () => {
    const [problem] = problemsOf(engine, '<policies><outbound><rewrite-uri template="/x" /></outbound></policies>');
    expect(problem).toMatchObject({ code: 'PolicyNotAllowedInSection' });
    expect(problem.message).toBe('<rewrite-uri> cannot be used in <outbound>; it runs in <inbound>');
  });

  it('refuses an invalid literal value', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><return-response><set-status code="9999" /></return-response></inbound></policies>');
    expect(problem).toMatchObject({ code: 'InvalidAttributeValue' });
    expect(problem.message).toContain('between 100 and 599');
  });

  it('points an expression error at the offending member, in the document', () => {
    const document = '<policies>\n  <inbound>\n    <choose>\n      <when condition="@(context.Request.Hedaers.Count > 0)">\n      </when>\n    </choose>\n  </inbound>\n</policies>';
    const [problem] = problemsOf(engine, document);
    expect(problem.code).toBe('ExpressionError');
    expect(problem.message).toContain("'Hedaers'");
    expect(problem.line).toBe(4);
    expect(document.split('\n')[3].slice(problem.column! - 1)).toMatch(/^Hedaers/);
  });

  it('maps expression positions through entities in the xml format', () => {
    const document = '<policies><inbound><set-variable name="a" value="@(&quot;x&quot; + context.Nope)" /></inbound></policies>';
    const [problem] = engine.problems(document, 'xml', 'api');
    expect(problem.code).toBe('ExpressionError');
    expect(document.slice(problem.column! - 1)).toMatch(/^Nope/);
  });

  it('requires a boolean condition', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><choose><when condition="@(42)" /></choose></inbound></policies>');
    expect(problem.code).toBe('ExpressionError');
  });

  it('refuses a policy Portico does not run yet, saying so', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><validate-content unspecified-content-type-action="prevent" max-size="100" size-exceeded-action="prevent" /></inbound></policies>');
    expect(problem.code).toBe('PolicyNotYetSupported');
  });

  it('accepts the rate limits and quotas, refusing a quota with neither calls nor bandwidth', () => {
    expect(problemsOf(engine, '<policies><inbound><rate-limit calls="5" renewal-period="3600" /><rate-limit-by-key calls="1" renewal-period="60" counter-key="k" /></inbound></policies>')).toEqual([]);
    const [problem] = problemsOf(engine, '<policies><inbound><quota-by-key renewal-period="60" counter-key="k" /></inbound></policies>');
    expect(problem.code).toBe('MissingAttribute');
  });

  it('refuses Azure-service policies saying which service they need', () => {
    const [problem] = problemsOf(engine, '<policies><inbound><authentication-managed-identity resource="x" /></inbound></policies>');
    expect(problem.code).toBe('AzureServicePolicy');
    expect(problem.message).toContain('Azure managed identity');
  });

  it('refuses <base/> twice in a section or nested in a policy', () => {
    expect(problemsOf(engine, '<policies><inbound><base /><base /></inbound></policies>')[0]).toMatchObject({ code: 'MisplacedBase', column: 28 });
    expect(problemsOf(engine, '<policies><inbound><choose><when condition="true"><base /></when></choose></inbound></policies>')[0].code).toBe('MisplacedBase');
  });

  it('reports every problem of a document at once', () => {
    const problems = problemsOf(engine, '<policies><inbound><foo /><set-header /><set-variable name="n" value="@(nope)" /></inbound></policies>');
    expect(problems.map((p) => p.code)).toEqual(['UnknownPolicy', 'MissingAttribute', 'ExpressionError']);
  });

  it('throws a PolicyValidationError (400) from check()', () => {
    let caught: unknown;
    try {
      engine.check('<policies><inbound><foo /></inbound></policies>', 'rawxml', 'api');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyValidationError);
    expect((caught as PolicyValidationError).status).toBe(400);
    expect((caught as PolicyValidationError).message).toBe('<foo> is not a known policy (line 1, column 20)');
  });

  it('leaves expressions depending on unknown named values to publish time', () => {
    expect(problemsOf(engine, '<policies><inbound><set-variable name="k" value="@({{SomeNumber}} + 1)" /></inbound></policies>')).toEqual([]);
    // An error found before the placeholder is still the author's.
    const [problem] = problemsOf(engine, '<policies><inbound><set-variable name="k" value="@(context.Nope + {{SomeNumber}})" /></inbound></policies>');
    expect(problem.message).toContain("'Nope'");
  });

  it('resolves named values when the caller knows them, masking secrets', () => {
    const namedValues = (name: string) => (name === 'token' ? { value: 'sup3r-secret', secret: true } : undefined);
    const unknown = engine.problems('<policies><inbound><set-variable name="a" value="{{missing}}" /></inbound></policies>', 'rawxml', 'api', { namedValues });
    expect(unknown[0]).toMatchObject({ code: 'UnknownNamedValue', column: 50 });
    const broken = engine.problems('<policies><inbound><set-variable name="a" value="@({{token}}.Length)" /></inbound></policies>', 'rawxml', 'api', { namedValues });
    expect(broken[0].code).toBe('ExpressionError');
    expect(JSON.stringify(broken)).not.toContain('sup3r-secret');
  });

  it('maps store keys to scopes for the management checker', () => {
    const check = engine.checker();
    const document = '<policies><backend><forward-request /></backend></policies>';
    expect(check(document, 'rawxml', { kind: 'policy', parent: '', id: 'policy' })).toEqual([]);
    expect(check(document, 'rawxml', { kind: 'policy', parent: 'apis/a/operations/o', id: 'policy' })).toEqual([]);
    expect(check('<policies><inbound><nope /></inbound></policies>', 'rawxml', { kind: 'policy', parent: 'products/p', id: 'policy' })[0].code).toBe('UnknownPolicy');
  });

  it('checks a fragment against any section it could be included in', () => {
    expect(() => engine.checkFragment('<fragment><rewrite-uri template="/x" /><set-header name="a" exists-action="delete" /></fragment>', 'rawxml')).not.toThrow();
    expect(() => engine.checkFragment('<fragment><nope /></fragment>', 'rawxml')).toThrow(/not a known policy/);
  });
});
