/**
 * Reading an attribute or text value: named values substituted, then either a literal or a
 * compiled C# expression. Expressions are compiled with positions relative to their own
 * text and mapped back through the substitution table and the value's source map, so an
 * error points at the document's line and column even in the `xml` format (entities) and
 * after a named value of another length was put in.
 */
import { ExpressionCompileError, compileExpression, type CompiledExpression } from '../../expressions/index.js';
import { positionInValue, type NamedValueRef, type PolicyValue } from '../xml/index.js';
import {
  insideReplacement,
  maskSecrets,
  originalIndex,
  substitutePlaceholders,
  type NamedValueLookup,
  type SubstitutedValue,
} from './named-values.js';
import { fail } from './problems.js';

export type ResolvedValue =
  | { readonly kind: 'literal'; readonly text: string; /** Placeholders left in place (save time). */ readonly unresolved: boolean }
  | {
      readonly kind: 'expression';
      /** Null when the expression depends on named values not known yet (save time): checked when published. */
      readonly compiled: CompiledExpression | null;
      readonly source: string;
    };

export interface ValueOptions {
  /** Named values; undefined at save time, when placeholders cannot be resolved yet. */
  readonly namedValues: NamedValueLookup | undefined;
  /** C# type the expression must convert to (`bool` for conditions). */
  readonly expectedType?: string;
  /** How the value is named in messages, e.g. `<when> condition`. */
  readonly label: string;
}

/** Whole-value expression written as text (after substitution, a named value can be one). */
export function looksLikeExpression(text: string): boolean {
  const trimmed = text.trim();
  return (trimmed.startsWith('@(') && trimmed.endsWith(')')) || (trimmed.startsWith('@{') && trimmed.endsWith('}'));
}

export function resolveValue(node: PolicyValue, options: ValueOptions): ResolvedValue {
  if (node.namedValues.length === 0) {
    if (!node.isExpression) return { kind: 'literal', text: node.value, unresolved: false };
    return { kind: 'expression', compiled: compileAt(node, substitutedAsIs(node), options, false), source: node.value };
  }
  const lookup = options.namedValues;
  if (lookup === undefined) return resolveDeferred(node, options);

  const secrets: { name: string; value: string }[] = [];
  const substituted = substitutePlaceholders(node, (ref) => {
    const entry = lookup(ref.name);
    if (entry === undefined) unknownNamedValue(ref, options.label);
    if (entry.secret) secrets.push({ name: ref.name, value: entry.value });
    return entry.value;
  });
  const withSecrets: SubstitutedValue = { ...substituted, secrets };
  if (!node.isExpression && !looksLikeExpression(substituted.text)) {
    return { kind: 'literal', text: substituted.text, unresolved: false };
  }
  const text = node.isExpression ? substituted.text : substituted.text.trim();
  return { kind: 'expression', compiled: compileAt(node, { ...withSecrets, text }, options, false), source: text };
}

/**
 * Save time: the placeholders' values are unknown. A literal keeps them; an expression is
 * compiled with each placeholder replaced by a same-length identifier, so positions stay
 * exact; an error *at* a placeholder means the code depends on the value and is left to
 * snapshot compile, any other error is the author's.
 */
function resolveDeferred(node: PolicyValue, options: ValueOptions): ResolvedValue {
  if (!node.isExpression) return { kind: 'literal', text: node.value, unresolved: true };
  const substituted = substitutePlaceholders(node, (ref) => '_'.padEnd(ref.length, 'x'));
  return { kind: 'expression', compiled: compileAt(node, substituted, options, true), source: node.value };
}

function substitutedAsIs(node: PolicyValue): SubstitutedValue {
  return { text: node.value, substitutions: [], secrets: [] };
}

function compileAt(node: PolicyValue, value: SubstitutedValue, options: ValueOptions, deferPlaceholderErrors: boolean): CompiledExpression | null {
  try {
    return compileExpression(value.text, { start: { line: 1, column: 1 }, expectedType: options.expectedType });
  } catch (error) {
    if (!(error instanceof ExpressionCompileError)) throw error;
    const index = indexOf(value.text, error.line, error.column);
    if (deferPlaceholderErrors && insideReplacement(value.substitutions, index)) return null;
    const at = positionInValue(node, originalIndex(value.substitutions, index));
    const raw = error.details[0]?.message ?? error.message;
    return fail('ExpressionError', `${options.label}: ${maskSecrets(raw, value.secrets)}`, at);
  }
}

/** Index in `text` of a 1-based (line, column) counted from the text's start (rows end at '\n'). */
function indexOf(text: string, line: number, column: number): number {
  let index = 0;
  for (let row = 1; row < line; row++) {
    const newline = text.indexOf('\n', index);
    if (newline === -1) return text.length;
    index = newline + 1;
  }
  return Math.min(text.length, index + Math.max(0, column - 1));
}

function unknownNamedValue(ref: NamedValueRef, label: string): never {
  return fail('UnknownNamedValue', `${label}: named value '{{${ref.name}}}' does not exist`, ref);
}
