/**
 * docs/expressions.md embeds the type reference generated from the registry; this test
 * fails when the two drift. Regenerate with:
 *   UPDATE_EXPRESSION_DOCS=1 npx vitest run src/expressions/docs.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './index.js';
import { describeRegistry } from './types/describe.js';

const BEGIN = '<!-- BEGIN GENERATED TYPE REFERENCE -->';
const END = '<!-- END GENERATED TYPE REFERENCE -->';
const docPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/expressions.md');

describe('docs/expressions.md', () => {
  it('lists exactly the registered types and members', () => {
    const doc = readFileSync(docPath, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const generated = `${BEGIN}\n\n${describeRegistry()}\n${END}`;
    const current = doc.slice(start, end + END.length);
    if (process.env.UPDATE_EXPRESSION_DOCS === '1' && current !== generated) {
      writeFileSync(docPath, doc.slice(0, start) + generated + doc.slice(end + END.length));
      return;
    }
    expect(current).toBe(generated);
  });
});
