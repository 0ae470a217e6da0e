import { describe, expect, it } from 'vitest';
import { PolicyParseError, type PolicyParseErrorReason } from './errors.js';
import { childElements } from './navigation.js';
import { parsePolicyXml } from './parser.js';
import { POLICY_SECTIONS, policiesDocument } from './sections.js';

const parse = (text: string) => parsePolicyXml(text, 'rawxml');

function refusal(run: () => unknown): { reason: PolicyParseErrorReason; line: number; column: number; description: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return { reason: error.reason, line: error.line, column: error.column, description: error.description };
  }
  throw new Error('expected a PolicyParseError');
}

describe('policiesDocument', () => {
  it('returns the sections of a <policies> document, skipping comments and whitespace', () => {
    const doc = parse(
      '<policies>\n  <!-- c -->\n  <inbound><base /></inbound>\n  <outbound />\n  <on-error><base /></on-error>\n</policies>',
    );
    const result = policiesDocument(doc, 'policies');
    expect(result.kind).toBe('policies');
    expect(Object.keys(result.sections)).toEqual(['inbound', 'outbound', 'on-error']);
    expect(result.sections.inbound).toMatchObject({ name: 'inbound', line: 3, column: 3 });
    expect(result.sections.backend).toBeUndefined();
    expect(childElements(result.sections['on-error']!).map((element) => element.name)).toEqual(['base']);
  });

  it('accepts sections in any order and an empty document', () => {
    const reordered = policiesDocument(parse('<policies><backend/><inbound/></policies>'), 'policies');
    expect(Object.keys(reordered.sections)).toEqual(['backend', 'inbound']);
    expect(policiesDocument(parse('<policies />'), 'policies').sections).toEqual({});
    expect(POLICY_SECTIONS).toEqual(['inbound', 'backend', 'outbound', 'on-error']);
  });

  it('returns the policies of a <fragment>', () => {
    const doc = parse('<fragment>\n  <!-- c -->\n  <set-variable name="a" value="@(1)" />\n  <base />\n</fragment>');
    const result = policiesDocument(doc, 'fragment');
    expect(result.policies.map((policy) => policy.name)).toEqual(['set-variable', 'base']);
    const either = policiesDocument(doc.root);
    expect(either.kind).toBe('fragment');
  });

  it('refuses a root of the wrong kind, at the root', () => {
    expect(refusal(() => policiesDocument(parse('\n<fragment />'), 'policies'))).toMatchObject({
      reason: 'UnexpectedRootElement',
      line: 2,
      column: 1,
      description: 'The root element must be <policies>, not <fragment>',
    });
    expect(refusal(() => policiesDocument(parse('<policy />')))).toMatchObject({
      reason: 'UnexpectedRootElement',
      description: 'The root element must be <policies> or <fragment>, not <policy>',
    });
  });

  it('refuses an unknown section, at that section', () => {
    expect(refusal(() => policiesDocument(parse('<policies>\n  <inbound />\n  <inbund />\n</policies>')))).toMatchObject({
      reason: 'UnknownSection',
      line: 3,
      column: 3,
    });
  });

  it('refuses a section written twice, at the second, naming the first', () => {
    const result = refusal(() => policiesDocument(parse('<policies>\n  <inbound />\n  <outbound />\n  <inbound />\n</policies>')));
    expect(result).toMatchObject({ reason: 'DuplicateSection', line: 4, column: 3 });
    expect(result.description).toContain('line 2, column 3');
  });

  it('refuses text directly inside <policies> or <fragment>, at its first visible character', () => {
    expect(refusal(() => policiesDocument(parse('<policies>\n  <inbound />\n  oops\n</policies>')))).toMatchObject({
      reason: 'UnexpectedText',
      line: 3,
      column: 3,
    });
    expect(refusal(() => policiesDocument(parse('<fragment>\n  @(1)\n</fragment>')))).toMatchObject({
      reason: 'UnexpectedText',
      line: 2,
      column: 3,
    });
  });
});
