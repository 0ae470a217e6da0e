/**
 * APIM policy expressions: `@(expression)` and `@{ statements }` in APIM's C# subset,
 * compiled once (at save time) to closures and evaluated per request against `context`.
 *
 *   await initExpressions();                       // once, at startup
 *   const e = compileExpression('@(context.Request.Method == "GET")', { start: { line: 3, column: 18 }, expectedType: 'bool' });
 *   e.evaluate(ctx);                               // true / false
 *
 * Nothing here evaluates generated source text: the C# is parsed by tree-sitter and turned
 * into a tree of closures over a fixed runtime, so an expression can reach only `context`
 * and the registered .NET types.
 */
import './runtime/index.js';
import { initParser } from './syntax/parser.js';
import { sealRegistry } from './types/registry.js';
import { compile, type CompileOptions, type CompiledExpression } from './compiler/compile.js';

export type { CompileOptions, CompiledExpression } from './compiler/compile.js';
export { ExpressionCompileError, ExpressionEvaluationError, type CompileErrorReason, type SourcePosition } from './errors.js';
export type * from './context.js';
export { bufferedBody, stringValuesMap, urlInfo } from './context-data.js';
export { clrToString as toPolicyString } from './runtime/object.js';
export { formatDateTimeInvariant } from './runtime/datetime.js';

/** Load the C# grammar and prepare the type registry. Call once before compiling. */
export async function initExpressions(): Promise<void> {
  sealRegistry();
  await initParser();
}

/**
 * Compile one expression. `source` is the text as it appears in the policy document,
 * including the `@(…)` or `@{…}` wrapper; `options.start` is the document position of its
 * first character, so errors point into the document. Throws ExpressionCompileError.
 */
export function compileExpression(source: string, options: CompileOptions): CompiledExpression {
  return compile(source, options);
}
