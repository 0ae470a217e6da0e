/**
 * Finds `@(…)` / `@{…}` expressions in APIM policy XML for the fixture tests. A deliberately
 * small scanner (the real policy parser lives in src/policies): it skips XML comments, looks
 * at attribute values and text, and finds the end of the C# by balancing brackets while
 * stepping over string, verbatim, interpolated and character literals and comments.
 */
export interface FoundExpression {
  readonly file: string;
  readonly source: string;
  /** 1-based position of the '@' in the document. */
  readonly line: number;
  readonly column: number;
}

function skipString(s: string, i: number): number {
  // s[i] is the opening quote of a regular "…" or a `$"…"` body; handles both.
  let j = i + 1;
  while (j < s.length && s[j] !== '"') {
    if (s[j] === '\\') j++;
    j++;
  }
  return j + 1;
}

function skipVerbatim(s: string, i: number): number {
  let j = i + 1;
  for (; j < s.length; j++) {
    if (s[j] === '"') {
      if (s[j + 1] === '"') j++;
      else return j + 1;
    }
  }
  return j;
}

function skipInterpolated(s: string, i: number, verbatim: boolean): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '"') {
      if (verbatim && s[j + 1] === '"') {
        j += 2;
        continue;
      }
      return j + 1;
    }
    if (!verbatim && c === '\\') {
      j += 2;
      continue;
    }
    if (c === '{') {
      if (s[j + 1] === '{') {
        j += 2;
        continue;
      }
      j = scanCode(s, j + 1, '}');
      continue;
    }
    if (c === '}' && s[j + 1] === '}') {
      j += 2;
      continue;
    }
    j++;
  }
  return j;
}

/** Scan C# from `i` to just past the bracket `close` that balances the one before `i`. */
export function scanCode(s: string, i: number, close: string): number {
  const stack: string[] = [close];
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '/' && s[j + 1] === '/') {
      while (j < s.length && s[j] !== '\n') j++;
      continue;
    }
    if (c === '/' && s[j + 1] === '*') {
      const end = s.indexOf('*/', j + 2);
      j = end < 0 ? s.length : end + 2;
      continue;
    }
    if ((c === '$' && s[j + 1] === '@' && s[j + 2] === '"') || (c === '@' && s[j + 1] === '$' && s[j + 2] === '"')) {
      j = skipInterpolated(s, j + 2, true);
      continue;
    }
    if (c === '$' && s[j + 1] === '"') {
      j = skipInterpolated(s, j + 1, false);
      continue;
    }
    if (c === '@' && s[j + 1] === '"') {
      j = skipVerbatim(s, j + 1);
      continue;
    }
    if (c === '"') {
      j = skipString(s, j);
      continue;
    }
    if (c === "'") {
      let k = j + 1;
      while (k < s.length && s[k] !== "'") {
        if (s[k] === '\\') k++;
        k++;
      }
      j = k + 1;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') stack.push(c === '(' ? ')' : c === '{' ? '}' : ']');
    else if (c === ')' || c === '}' || c === ']') {
      const expected = stack.pop();
      if (stack.length === 0 && c === expected) return j + 1;
    }
    j++;
  }
  return s.length;
}

function positionOf(s: string, index: number): { line: number; column: number } {
  const before = s.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** Every expression in a policy document, in document order (XML comments skipped). */
export function findExpressions(file: string, xml: string): FoundExpression[] {
  const out: FoundExpression[] = [];
  let i = 0;
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    const c = xml[i];
    if (c === '@' && (xml[i + 1] === '(' || xml[i + 1] === '{')) {
      // Only where a value starts: after an attribute quote or '>' (plus whitespace).
      let k = i - 1;
      while (k >= 0 && /\s/.test(xml[k])) k--;
      if (xml[k] === '"' || xml[k] === "'" || xml[k] === '>') {
        const end = scanCode(xml, i + 2, xml[i + 1] === '(' ? ')' : '}');
        out.push({ file, source: xml.slice(i, end), ...positionOf(xml, i) });
        i = end;
        continue;
      }
    }
    i++;
  }
  return out;
}
