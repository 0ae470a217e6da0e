/** Character-level helpers shared by the parser's readers; all bounded so that parsing stays linear. */

export function isXmlWhitespace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

/** Index of the first non-whitespace character at or after `from` (or `limit`). */
export function skipWhitespace(text: string, from: number, limit: number = text.length): number {
  let i = from;
  while (i < limit && isXmlWhitespace(text[i])) i++;
  return i;
}

/**
 * `text.indexOf(char, from)` that never looks at or past `end`. A plain indexOf would run on to
 * the next occurrence anywhere in the document, making a document of many short values quadratic.
 */
export function indexOfWithin(text: string, char: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (text[i] === char) return i;
  return -1;
}
