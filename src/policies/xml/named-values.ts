/**
 * `{{name}}` named-value placeholders. APIM substitutes them textually before an expression is
 * compiled (snippets write `var key = {{TokenEncryptionKey}};` and `"{{client-id}}"`), so they
 * are found in expressions as well as in literal values.
 */

/**
 * APIM's rule for a named value's display name: letters, digits, `.`, `-` and `_`. Anything else
 * between double braces (Liquid's `{{ body.x }}`, a C# initializer `{{"a", 1}}`) is not one.
 */
const PLACEHOLDER = /\{\{([A-Za-z0-9._-]+)\}\}/g;

export interface PlaceholderMatch {
  readonly name: string;
  readonly index: number;
  readonly length: number;
}

export function findNamedValuePlaceholders(value: string): PlaceholderMatch[] {
  const matches: PlaceholderMatch[] = [];
  if (!value.includes('{{')) return matches;
  for (const match of value.matchAll(PLACEHOLDER)) {
    matches.push({ name: match[1], index: match.index, length: match[0].length });
  }
  return matches;
}
