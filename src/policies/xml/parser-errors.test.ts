import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../model/errors.js';
import { PolicyParseError, type PolicyParseErrorReason } from './errors.js';
import { parsePolicyXml } from './parser.js';
import type { PolicyFormat } from './types.js';

function parseError(text: string, format: PolicyFormat = 'rawxml'): PolicyParseError {
  try {
    parsePolicyXml(text, format);
  } catch (error) {
    if (error instanceof PolicyParseError) return error;
    throw error;
  }
  throw new Error('expected the document to be refused');
}

interface ErrorCase {
  readonly name: string;
  readonly text: string;
  readonly format?: PolicyFormat;
  readonly reason: PolicyParseErrorReason;
  readonly line: number;
  readonly column: number;
  /** A fragment the message must contain. */
  readonly says?: string;
}

const cases: readonly ErrorCase[] = [
  // ── expressions ──
  {
    name: 'an expression that never closes, at its @',
    text: '<p>\n  <v>@(a(b)</v>\n</p>',
    reason: 'UnterminatedExpression',
    line: 2,
    column: 6,
    says: "no ')' closes '@('",
  },
  {
    name: 'a string left open by the attribute quote, at that quote',
    text: '<p>\n  <when condition="@(a(b)">\n</p>',
    reason: 'UnterminatedString',
    line: 2,
    column: 26,
  },
  {
    name: 'an unterminated verbatim string, at @"',
    text: '<p><v>@{ var s = @"abc; }</v></p>',
    reason: 'UnterminatedString',
    line: 1,
    column: 18,
    says: 'verbatim',
  },
  {
    name: 'an unterminated interpolated string, at $"',
    text: '<p>\n<v>@($"{a} )</v>\n</p>',
    reason: 'UnterminatedString',
    line: 2,
    column: 6,
    says: 'interpolated',
  },
  {
    name: 'an unterminated char literal, at the quote',
    text: "<p><v>@(c == 'a)</v>\n</p>",
    reason: 'UnterminatedString',
    line: 1,
    column: 14,
  },
  {
    name: 'an unterminated C# block comment, at /*',
    text: '<p><v>@{ /* x }</v></p>',
    reason: 'UnterminatedComment',
    line: 1,
    column: 10,
  },
  {
    name: 'a closing bracket of the wrong kind',
    text: '<x a="@(f(a]))" />',
    reason: 'MismatchedBracket',
    line: 1,
    column: 12,
    says: "expected ')'",
  },
  {
    name: 'text after an expression in element text',
    text: '<p><v>@(a) b</v></p>',
    reason: 'TextAfterExpression',
    line: 1,
    column: 12,
  },
  {
    name: 'text after an expression in an attribute',
    text: '<x a="@(a) + b" />',
    reason: 'TextAfterExpression',
    line: 1,
    column: 12,
  },
  {
    name: 'text after an expression in the xml format',
    text: '<p>\n  <v> @(a) &amp;b</v></p>',
    format: 'xml',
    reason: 'TextAfterExpression',
    line: 2,
    column: 12,
  },
  {
    name: 'a raw quote inside an xml-format expression, with a hint',
    text: '<p>\n  <when condition="@(x == "a")" />\n</p>',
    format: 'xml',
    reason: 'UnterminatedExpression',
    line: 2,
    column: 20,
    says: 'rawxml',
  },
  {
    name: 'a raw < inside xml-format expression text, at the @ with a hint',
    text: '<p><v>@(a < b)</v></p>',
    format: 'xml',
    reason: 'UnterminatedExpression',
    line: 1,
    column: 7,
    says: '&lt;',
  },
  {
    name: 'an xml-format expression error, positioned in the original (entity-escaped) text',
    text: '<x c="@(f(&quot;a&quot;]))" />',
    format: 'xml',
    reason: 'MismatchedBracket',
    line: 1,
    column: 24,
  },
  // ── comments, CDATA, entities ──
  {
    name: 'an unterminated XML comment, at <!--',
    text: '<p>\n<!-- never closed\n</p>',
    reason: 'UnterminatedComment',
    line: 2,
    column: 1,
  },
  {
    name: 'an unterminated CDATA section',
    text: '<p><![CDATA[abc</p>',
    reason: 'UnterminatedCData',
    line: 1,
    column: 4,
  },
  {
    name: 'a bare & in the xml format',
    text: '<p>\n  <v>a & b</v>\n</p>',
    format: 'xml',
    reason: 'InvalidEntity',
    line: 2,
    column: 8,
    says: '&amp;',
  },
  {
    name: 'an unknown entity in the xml format',
    text: '<v>&nbsp;</v>',
    format: 'xml',
    reason: 'InvalidEntity',
    line: 1,
    column: 4,
    says: '&nbsp;',
  },
  {
    name: 'a reference to a non-character in the xml format',
    text: '<v a="&#0;" />',
    format: 'xml',
    reason: 'InvalidEntity',
    line: 1,
    column: 7,
  },
  // ── tags and attributes ──
  {
    name: 'a duplicate attribute, at the second one',
    text: '<policies>\n  <x a="1" a="2" />\n</policies>',
    reason: 'DuplicateAttribute',
    line: 2,
    column: 12,
    says: "'a'",
  },
  {
    name: 'a mismatched end tag, naming where the open one is',
    text: '<policies>\n  <inbound>\n  </outbound>\n</policies>',
    reason: 'MismatchedTag',
    line: 3,
    column: 3,
    says: 'Expected </inbound> to close the element opened at line 2, column 3',
  },
  {
    name: 'an element never closed, at its start tag',
    text: '<policies>\n  <inbound>\n    <base />',
    reason: 'UnclosedElement',
    line: 2,
    column: 3,
  },
  {
    name: 'an end tag with no start tag',
    text: '<policies />\n</policies>',
    reason: 'UnexpectedEndTag',
    line: 2,
    column: 1,
  },
  {
    name: 'a stray < in literal text',
    text: '<policies>\n  <value>a < b</value>\n</policies>',
    reason: 'StrayLessThan',
    line: 2,
    column: 12,
  },
  {
    name: 'a stray < in text that mixes words and an expression (a literal, not an expression)',
    text: '<v>x @(a < b)</v>',
    reason: 'StrayLessThan',
    line: 1,
    column: 10,
  },
  {
    name: 'an attribute value with no closing quote, at the opening quote',
    text: '<x a="abc',
    reason: 'UnterminatedAttributeValue',
    line: 1,
    column: 6,
  },
  {
    name: 'a raw expression attribute cut off by the end of the document',
    text: '<x a="@(1)  ',
    reason: 'UnterminatedAttributeValue',
    line: 1,
    column: 6,
  },
  {
    name: "a < in a literal attribute value (usually a missing quote), at the '<'",
    text: '<p>\n  <x a="abc>\n  <y b="c" />\n</p>',
    reason: 'InvalidAttributeValue',
    line: 3,
    column: 3,
    says: 'closing quote missing',
  },
  {
    name: 'an attribute without a value',
    text: '<x a />',
    reason: 'MissingAttributeValue',
    line: 1,
    column: 4,
  },
  {
    name: 'an unquoted attribute value',
    text: '<x a=1 />',
    reason: 'UnquotedAttributeValue',
    line: 1,
    column: 6,
  },
  {
    name: 'attributes with no whitespace between them',
    text: '<x a="1"b="2" />',
    reason: 'MalformedTag',
    line: 1,
    column: 9,
    says: "after the value of attribute 'a'",
  },
  {
    name: 'a start tag cut off by the end of the document',
    text: '<policies>\n  <inbound',
    reason: 'UnterminatedTag',
    line: 2,
    column: 3,
  },
  {
    name: 'an end tag with a bad name',
    text: '<p></ p>',
    reason: 'InvalidName',
    line: 1,
    column: 6,
  },
  {
    name: 'an end tag with junk before >',
    text: '<p></p x>',
    reason: 'MalformedTag',
    line: 1,
    column: 8,
  },
  {
    name: "'<!' that starts neither a comment nor CDATA",
    text: '<p><!x></p>',
    reason: 'MalformedTag',
    line: 1,
    column: 4,
  },
  // ── document level ──
  {
    name: 'a document without a root element',
    text: '<!-- only a comment -->\n',
    reason: 'NoRootElement',
    line: 2,
    column: 1,
  },
  {
    name: 'a second root element',
    text: '<policies />\n<policies />',
    reason: 'MultipleRootElements',
    line: 2,
    column: 1,
  },
  {
    name: 'text before the root element',
    text: 'hello <policies />',
    reason: 'TextOutsideRoot',
    line: 1,
    column: 1,
  },
  {
    name: 'text after the root element',
    text: '<policies />\n  x',
    reason: 'TextOutsideRoot',
    line: 2,
    column: 3,
  },
  {
    name: 'a DOCTYPE (no DTDs, no custom entities)',
    text: '<!DOCTYPE x [<!ENTITY e "x">]>\n<policies/>',
    reason: 'DoctypeNotAllowed',
    line: 1,
    column: 1,
  },
  {
    name: 'a processing instruction',
    text: '<policies><?php x ?></policies>',
    reason: 'ProcessingInstructionNotAllowed',
    line: 1,
    column: 11,
  },
  {
    name: 'an XML declaration after the root',
    text: '<policies/>\n<?xml version="1.0"?>',
    reason: 'ProcessingInstructionNotAllowed',
    line: 2,
    column: 1,
    says: 'must come first',
  },
  {
    name: 'an unterminated XML declaration',
    text: '<?xml version="1.0"',
    reason: 'UnterminatedDeclaration',
    line: 1,
    column: 1,
  },
  {
    name: 'elements nested deeper than the limit',
    text: '<a>'.repeat(257),
    reason: 'NestingTooDeep',
    line: 1,
    column: 769,
  },
];

describe('parse errors carry a reason, the exact line and column, and a useful message', () => {
  for (const c of cases) {
    it(`${c.format ?? 'rawxml'}: ${c.name}`, () => {
      const error = parseError(c.text, c.format);
      expect({ reason: error.reason, line: error.line, column: error.column }).toEqual({
        reason: c.reason,
        line: c.line,
        column: c.column,
      });
      if (c.says !== undefined) expect(error.description).toContain(c.says);
    });
  }
});

describe('PolicyParseError', () => {
  it('is a ValidationError (400) whose details name the reason and position', () => {
    const error = parseError('<policies>\n  <x a="1" a="2" />\n</policies>');
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('ValidationError');
    expect(error.message).toBe("Duplicate attribute 'a' (line 2, column 12)");
    expect(error.offset).toBe(22);
    expect(error.details).toEqual([{ code: 'DuplicateAttribute', message: "Duplicate attribute 'a'", line: 2, column: 12 }]);
  });

  it('is not raised for what rawxml tolerates but xml does not', () => {
    expect(() => parsePolicyXml('<v>a & b &nbsp;</v>', 'rawxml')).not.toThrow();
    expect(() => parsePolicyXml('<v>a & b &nbsp;</v>', 'xml')).toThrow(PolicyParseError);
  });

  it('an unknown format is refused as a plain validation error', () => {
    expect(() => parsePolicyXml('<policies />', 'json' as PolicyFormat)).toThrow(/Unknown policy format 'json'/);
  });
});
