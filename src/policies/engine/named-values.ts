/**
 * `{{name}}` placeholders are replaced textually before a value is read, as APIM does — so a
 * named value can hold a literal, part of a C# expression, or a whole `@(…)` expression.
 * Substitution keeps a table of what changed, so positions in the substituted text map
 * back to the document and errors point at what the author wrote.
 */
import type { NamedValueRef, PolicyValue } from '../xml/index.js';

export interface NamedValueEntry {
  readonly value: string;
  readonly secret: boolean;
}

/** Finds a named value by the name written between the braces. */
export type NamedValueLookup = (name: string) => NamedValueEntry | undefined;

export interface Substitution {
  /** Index of the placeholder in the original value. */
  readonly index: number;
  /** Length of the placeholder (`{{name}}`). */
  readonly length: number;
  /** Length of what replaced it. */
  readonly replacementLength: number;
}

export interface SubstitutedValue {
  readonly text: string;
  readonly substitutions: readonly Substitution[];
  /** Secret values that went into `text`, so messages built from it can mask them. */
  readonly secrets: readonly { readonly name: string; readonly value: string }[];
}

/** Replaces each placeholder of `node` with `replace(ref)`. */
export function substitutePlaceholders(node: PolicyValue, replace: (ref: NamedValueRef) => string): SubstitutedValue {
  if (node.namedValues.length === 0) return { text: node.value, substitutions: [], secrets: [] };
  let text = '';
  let from = 0;
  const substitutions: Substitution[] = [];
  for (const ref of node.namedValues) {
    const replacement = replace(ref);
    text += node.value.slice(from, ref.index) + replacement;
    from = ref.index + ref.length;
    substitutions.push({ index: ref.index, length: ref.length, replacementLength: replacement.length });
  }
  text += node.value.slice(from);
  return { text, substitutions, secrets: [] };
}

/** Maps an index in substituted text back to the original value; inside a replacement → the placeholder's start. */
export function originalIndex(substitutions: readonly Substitution[], index: number): number {
  let shift = 0;
  for (const s of substitutions) {
    const start = s.index + shift;
    if (index < start) break;
    if (index < start + s.replacementLength) return s.index;
    shift += s.replacementLength - s.length;
  }
  return index - shift;
}

/** True when `index` of the substituted text falls inside a replacement. */
export function insideReplacement(substitutions: readonly Substitution[], index: number): boolean {
  let shift = 0;
  for (const s of substitutions) {
    const start = s.index + shift;
    if (index >= start && index < start + Math.max(1, s.replacementLength)) return true;
    shift += s.replacementLength - s.length;
  }
  return false;
}

/** Replaces every secret value in `message` by its placeholder: secrets are never echoed. */
export function maskSecrets(message: string, secrets: SubstitutedValue['secrets']): string {
  let masked = message;
  for (const { name, value } of secrets) {
    if (value.length > 0) masked = masked.split(value).join(`{{${name}}}`);
  }
  return masked;
}
