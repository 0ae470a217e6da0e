/**
 * The table-driven expression suite: every case in cases/*.ts compiles (or must fail to
 * compile with the expected message and position) and runs against a test context. The
 * second half runs every expression found in the public APIM policy snippets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpressionCompileError, ExpressionEvaluationError, compileExpression, initExpressions } from './index.js';
import { isPredicate, plain, testContext, type Case, type CompileErrorCase, type ThrowCase, type ValueCase } from './cases/harness.js';
import { languageCases } from './cases/language.js';
import { findExpressions } from './cases/fixture-scanner.js';
import { fixtureCases, fixtureContext, FIXTURE_NAMED_VALUES, KNOWN_BROKEN_FIXTURE_EXPRESSIONS } from './cases/fixtures.js';
import { contextCases } from './cases/context.js';
import { stringCases } from './cases/strings.js';
import { linqCases } from './cases/linq.js';
import { jsonCases } from './cases/json.js';
import { dateTimeCases } from './cases/datetime.js';
import { libraryCases } from './cases/library.js';
import { compileErrorCases } from './cases/errors.js';
import { certificateCases } from './cases/certificate.js';

const START = { line: 1, column: 1 };

const groups: Record<string, readonly Case[]> = {
  language: languageCases,
  context: contextCases,
  certificate: certificateCases,
  strings: stringCases,
  linq: linqCases,
  json: jsonCases,
  datetime: dateTimeCases,
  library: libraryCases,
  'compile errors': compileErrorCases,
  'fixture patterns': fixtureCases,
};

function label(c: Case): string {
  const text = c.expr.replace(/\s+/g, ' ');
  return c.name ?? (text.length > 110 ? `${text.slice(0, 107)}...` : text);
}

function runValue(c: ValueCase): void {
  const compiled = compileExpression(c.expr, { start: START, expectedType: c.expectedType });
  if (c.type) expect(compiled.resultType).toBe(c.type);
  const value = compiled.evaluate(testContext(c.ctx));
  if (isPredicate(c.expected)) {
    expect(c.expected.test(value), `${c.expected.description}; got ${String(plain(value))}`).toBe(true);
  } else {
    expect(plain(value)).toEqual(c.expected);
  }
}

function runThrow(c: ThrowCase): void {
  const compiled = compileExpression(c.expr, { start: START });
  let caught: unknown;
  try {
    compiled.evaluate(testContext(c.ctx));
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ExpressionEvaluationError);
  const err = caught as ExpressionEvaluationError;
  expect(`${err.exceptionType}: ${err.message}`).toContain(c.throws);
}

function runCompileError(c: CompileErrorCase): void {
  let caught: unknown;
  try {
    compileExpression(c.expr, { start: START, expectedType: c.expectedType });
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a compile error').toBeInstanceOf(ExpressionCompileError);
  const err = caught as ExpressionCompileError;
  expect(err.message).toContain(c.error);
  if (c.at) expect([err.line, err.column]).toEqual(c.at);
  if (c.member) expect(err.member).toBe(c.member);
}

beforeAll(async () => {
  await initExpressions();
});

describe('expression cases', () => {
  it('has at least 300 cases', () => {
    const total = Object.values(groups).reduce((n, g) => n + g.length, 0);
    expect(total).toBeGreaterThanOrEqual(300);
  });
  for (const [group, cases] of Object.entries(groups)) {
    describe(group, () => {
      cases.forEach((c, i) => {
        it(`#${i} ${label(c)}`, () => {
          if ('error' in c) runCompileError(c);
          else if ('throws' in c) runThrow(c);
          else runValue(c);
        });
      });
    });
  }
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const snippetsDir = path.resolve(repoRoot, '../shared/fixtures/apim-policy-snippets');
const haveSnippets = existsSync(snippetsDir);

describe('APIM policy snippet expressions', () => {
  if (!haveSnippets) {
    if (process.env.CI === 'true') {
      it('finds the fixture folder (required under CI)', () => {
        expect.fail(`Fixture folder ${snippetsDir} is missing`);
      });
    } else {
      it.skip(`skipped: fixture folder ${snippetsDir} not found`, () => undefined);
    }
    return;
  }
  const files = readdirSync(snippetsDir).filter((f) => f.endsWith('.xml'));
  const found = files.flatMap((f) => {
    const raw = readFileSync(path.join(snippetsDir, f), 'utf8');
    // APIM substitutes named values before expressions are compiled.
    const xml = raw.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (_m, name: string) => FIXTURE_NAMED_VALUES[name] ?? `nv-${name}`);
    return findExpressions(f, xml);
  });

  it('finds the expressions in every snippet', () => {
    expect(found.length).toBeGreaterThan(100);
  });

  for (const e of found) {
    const broken = KNOWN_BROKEN_FIXTURE_EXPRESSIONS.find((k) => k.file === e.file && e.source.includes(k.contains));
    it(`${e.file}:${e.line}:${e.column} ${e.source.replace(/\s+/g, ' ').slice(0, 80)}`, () => {
      if (broken) {
        expect(() => compileExpression(e.source, { start: { line: e.line, column: e.column } })).toThrow(broken.error);
        return;
      }
      const compiled = compileExpression(e.source, { start: { line: e.line, column: e.column } });
      // Run it against a context holding what the snippet's earlier policies would have set.
      const value = compiled.evaluate(fixtureContext(e.file));
      expect(value).not.toBeUndefined();
    });
  }
});
