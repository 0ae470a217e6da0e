/**
 * Building attribute and text values: slicing decoded text while keeping its source map,
 * finding placeholders, and splitting an element's text into whitespace / expression nodes.
 */
import { scanExpression, startsExpression } from './csharp-scanner.js';
import type { PolicyParseErrorReason } from './errors.js';
import { findNamedValuePlaceholders } from './named-values.js';
import { ValueLocator, locateInValue } from './positions.js';
import { skipWhitespace } from './text-scan.js';
import type { PolicyText, PolicyValue, SourcePosition, ValueAnchor } from './types.js';

/** A value together with the map back to the document, before it becomes a node. */
export interface MappedText {
  readonly value: string;
  readonly sourceMap: readonly ValueAnchor[];
}

/** Raises a PolicyParseError at a document position; never returns. */
export type ValueFailure = (reason: PolicyParseErrorReason, message: string, at: SourcePosition) => never;

export const TEXT_AFTER_EXPRESSION =
  'Unexpected text after the end of the expression; an expression must be the whole value';

export function valueFields(text: MappedText, isExpression: boolean): PolicyValue {
  const locator = new ValueLocator(text.value, text.sourceMap);
  // Built field by field rather than by spreading: object spread is the parser's hottest cost.
  const namedValues = findNamedValuePlaceholders(text.value).map(({ name, index, length }) => {
    const { line, column, offset } = locator.at(index);
    return { name, index, length, line, column, offset };
  });
  return { value: text.value, isExpression, namedValues, sourceMap: text.sourceMap };
}

/** The part `[from, to)` of a mapped text, with anchors re-based to the slice. */
export function sliceMapped(text: MappedText, from: number, to: number): MappedText {
  const { line, column, offset } = locateInValue(text.value, text.sourceMap, from);
  const first: ValueAnchor = { index: 0, line, column, offset };
  const rest = text.sourceMap
    .filter((anchor) => anchor.index > from && anchor.index < to)
    .map((anchor) => ({ index: anchor.index - from, line: anchor.line, column: anchor.column, offset: anchor.offset }));
  return { value: text.value.slice(from, to), sourceMap: [first, ...rest] };
}

export function textNode(text: MappedText, isExpression: boolean, cdata: boolean): PolicyText {
  const { line, column, offset } = text.sourceMap[0];
  const { value, namedValues, sourceMap } = valueFields(text, isExpression);
  return { kind: 'text', cdata, line, column, offset, value, isExpression, namedValues, sourceMap };
}

/**
 * Splits already-decoded element text into nodes. When the text, ignoring surrounding
 * whitespace, is one expression, the expression gets a node of its own (so its value is exactly
 * `@(…)` / `@{…}` with an exact position) and the whitespace around it stays as literal nodes;
 * text after the expression is an error. Otherwise the whole text is one literal node.
 */
export function splitElementText(text: MappedText, cdata: boolean, fail: ValueFailure, hint = ''): PolicyText[] {
  const { value } = text;
  const exprStart = skipWhitespace(value, 0);
  if (!startsExpression(value, exprStart)) return [textNode(text, false, cdata)];
  const scan = scanExpression(value, exprStart, value.length);
  if (!scan.ok) return fail(scan.reason, scan.message + hint, locateInValue(value, text.sourceMap, scan.index));
  const trailing = skipWhitespace(value, scan.end);
  if (trailing < value.length) {
    fail('TextAfterExpression', TEXT_AFTER_EXPRESSION, locateInValue(value, text.sourceMap, trailing));
  }
  const nodes: PolicyText[] = [];
  if (exprStart > 0) nodes.push(textNode(sliceMapped(text, 0, exprStart), false, cdata));
  nodes.push(textNode(sliceMapped(text, exprStart, scan.end), true, cdata));
  if (scan.end < value.length) nodes.push(textNode(sliceMapped(text, scan.end, value.length), false, cdata));
  return nodes;
}
