/** The public API: initialisation, positions relative to the document, error classes, hard rules. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../model/errors.js';
import { ExpressionCompileError, ExpressionEvaluationError, compileExpression, initExpressions, toPolicyString } from './index.js';
import { testContext } from './cases/harness.js';

function compileError(source: string, start = { line: 1, column: 1 }): ExpressionCompileError {
  try {
    compileExpression(source, { start });
  } catch (e) {
    if (e instanceof ExpressionCompileError) return e;
    throw e;
  }
  throw new Error('expected a compile error');
}

describe('expressions API', () => {
  it('refuses to compile before initExpressions() has loaded the grammar', () => {
    expect(() => compileExpression('@(1)', { start: { line: 1, column: 1 } })).toThrow(/initExpressions/);
  });

  it('compiles synchronously once initialised', async () => {
    await initExpressions();
    const e = compileExpression('@(1 + 1)', { start: { line: 1, column: 1 } });
    expect(e.evaluate(testContext())).toBe(2);
    expect(e.form).toBe('expression');
  });

  it('reports positions relative to where the expression starts in the document', async () => {
    await initExpressions();
    // '@' at line 10, column 20: "context" starts at column 22, "Foo" at column 30.
    const e = compileError('@(context.Foo)', { line: 10, column: 20 });
    expect([e.line, e.column, e.member]).toEqual([10, 30, 'Foo']);
    // Lines after the first keep their own columns.
    const multi = compileError('@{\n    var x = 1;\n    return x.Nope;\n}', { line: 5, column: 40 });
    expect([multi.line, multi.column]).toEqual([7, 14]);
  });

  it('accepts the whitespace around an expression in a text node', async () => {
    await initExpressions();
    expect(compileExpression('\n      @{ return 1; }\n    ', { start: { line: 1, column: 10 } }).evaluate(testContext())).toBe(1);
    const e = compileError('\n   @(x)\n', { line: 4, column: 10 });
    expect([e.line, e.column]).toEqual([5, 6]);
  });

  it('raises compile errors as 400 validation errors with details', async () => {
    await initExpressions();
    const e = compileError('@("x".Lenght)', { line: 3, column: 7 });
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.status).toBe(400);
    expect(e.reason).toBe('UnknownMember');
    expect(e.details[0]).toMatchObject({ code: 'ExpressionUnknownMemberError', target: 'Lenght', line: 3, column: 13 });
  });

  it('checks the expected type', async () => {
    await initExpressions();
    expect(compileExpression('@(1 < 2)', { start: { line: 1, column: 1 }, expectedType: 'bool' }).resultType).toBe('bool');
    expect(compileExpression('@(5)', { start: { line: 1, column: 1 }, expectedType: 'long' }).evaluate(testContext())).toBe(5n);
    expect(() => compileExpression('@("x")', { start: { line: 1, column: 1 }, expectedType: 'int' })).toThrow(ExpressionCompileError);
  });

  it('reports .NET exceptions with APIM wording', async () => {
    await initExpressions();
    const e = compileExpression('@(int.Parse("x"))', { start: { line: 1, column: 1 } });
    let caught: unknown;
    try {
      e.evaluate(testContext());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionEvaluationError);
    const err = caught as ExpressionEvaluationError;
    expect(err.code).toBe('ExpressionValueEvaluationFailure');
    expect(err.exceptionType).toBe('System.FormatException');
    expect(err.message).toBe("Expression evaluation failed. The input string 'x' was not in a correct format.");
  });

  it('infers the result type of a block from its returns', async () => {
    await initExpressions();
    expect(compileExpression('@{ if (true) { return "a"; } return "b"; }', { start: { line: 1, column: 1 } }).resultType).toBe('string');
    expect(compileExpression('@{ if (true) { return "a"; } return 1; }', { start: { line: 1, column: 1 } }).resultType).toBe('object');
  });

  it('passes trace messages to the context when tracing', async () => {
    await initExpressions();
    const traces: string[] = [];
    const ctx = { ...testContext({ tracing: true }, traces) };
    compileExpression('@{ context.Trace("step " + 1); return 0; }', { start: { line: 1, column: 1 } }).evaluate(ctx);
    expect(traces).toEqual(['step 1']);
  });

  it('renders results the way APIM writes them', async () => {
    await initExpressions();
    const ctx = testContext();
    const render = (src: string): string => toPolicyString(compileExpression(src, { start: { line: 1, column: 1 } }).evaluate(ctx));
    expect(render('@(true)')).toBe('True');
    expect(render('@(1.5)')).toBe('1.5');
    expect(render('@(new JObject(new JProperty("a", 1)))')).toBe('{\n  "a": 1\n}');
    expect(render('@(new DateTime(2024, 1, 2, 3, 4, 5))')).toBe('01/02/2024 03:04:05');
  });

  it('keeps one evaluation from leaking into the next', async () => {
    await initExpressions();
    const e = compileExpression('@{ var list = new List<int>(); list.Add(list.Count); return list.Count; }', { start: { line: 1, column: 1 } });
    expect(e.evaluate(testContext())).toBe(1);
    expect(e.evaluate(testContext())).toBe(1);
  });
});

describe('hard rules', () => {
  const root = path.dirname(fileURLToPath(import.meta.url));
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) return sources(full);
      return f.endsWith('.ts') && !f.endsWith('.test.ts') ? [full] : [];
    });
  }

  it('never evaluates generated JavaScript source', () => {
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      // `.eval(` is the compiled-closure field, not the global eval.
      expect(text, file).not.toMatch(/(?<![.\w])eval\s*\(|new Function\s*\(|from 'node:vm'|require\('vm'\)/);
    }
  });
});
