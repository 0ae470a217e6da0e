/**
 * Source text → CompiledExpression: parse (tree-sitter), convert to the AST, compile to
 * closures with static types, and wrap evaluation so .NET exceptions surface as
 * ExpressionEvaluationError. The tree-sitter tree is released before returning.
 */
import { ExpressionEvaluationError, type SourcePosition } from '../errors.js';
import type { ExpressionContext } from '../context.js';
import { parseExpressionSource } from '../syntax/parser.js';
import { CstConverter } from '../syntax/convert.js';
import type { Block, Expr } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { typeName } from '../types/model.js';
import { findTypeDef, resolveTypeName, sealRegistry } from '../types/registry.js';
import { parseTypeString } from '../types/signature.js';
import { T } from '../types/well-known.js';
import { toClrException } from '../runtime/exception-types.js';
import { Compiler, type Bound } from './compiler.js';
import { rootFrame, type Eval } from './frame.js';
import { FunctionScope } from './scope.js';
import { compileExpr } from './expressions.js';
import { bestCommonType, compileFunctionBody } from './statements.js';

export interface CompileOptions {
  /** Document position (1-based) of the first character of `source`. */
  readonly start: SourcePosition;
  /**
   * The C# type the caller needs (`bool` for conditions, `int` for durations…). The result
   * must convert to it implicitly, or compilation fails. Omitted: any type (`object`).
   */
  readonly expectedType?: string;
}

export interface CompiledExpression {
  readonly source: string;
  readonly form: 'expression' | 'block';
  /** The static C# type of the result, e.g. `string`, `bool`, `JObject`. */
  readonly resultType: string;
  /** Run the expression against one request's context. Throws ExpressionEvaluationError. */
  evaluate(context: ExpressionContext): unknown;
}

function expectedTypeOf(name: string | undefined): ClrType | undefined {
  if (name === undefined) return undefined;
  try {
    return parseTypeString(name, resolveTypeName, new Set());
  } catch {
    throw new Error(`compileExpression: unknown expectedType '${name}'`);
  }
}

function wrapEvaluation(body: (ctx: ExpressionContext) => unknown): (ctx: ExpressionContext) => unknown {
  return (ctx) => {
    try {
      const v = body(ctx);
      return v === undefined ? null : v;
    } catch (err) {
      if (err instanceof ExpressionEvaluationError) throw err;
      const ex = toClrException(err);
      throw new ExpressionEvaluationError(ex.clrType, ex.message);
    }
  };
}

export function compile(source: string, options: CompileOptions): CompiledExpression {
  sealRegistry();
  const expected = expectedTypeOf(options.expectedType);
  const parsed = parseExpressionSource(source, options.start);
  let ast: Expr | Block;
  try {
    const converter = new CstConverter((n) => parsed.position(n));
    ast = parsed.form === 'block' ? converter.block(parsed.body) : converter.expr(parsed.body);
  } finally {
    parsed.dispose();
  }
  const contextDef = findTypeDef('IProxyRequestContext');
  if (!contextDef) throw new Error('The context type is not registered');
  const contextType: ClrType = { kind: 'named', def: contextDef, args: [] };

  if (ast.kind === 'block') {
    const fn = new FunctionScope(undefined, expected ?? T.object());
    const c = new Compiler(fn, contextType);
    const exec = compileFunctionBody(c, ast, expected ?? T.object());
    const resultType = expected ?? bestCommonType(fn.returnTypes) ?? T.object();
    return {
      source,
      form: 'block',
      resultType: typeName(resultType),
      evaluate: wrapEvaluation((ctx) => {
        const f = rootFrame(ctx, fn.slotCount);
        exec(f);
        return f.ret;
      }),
    };
  }

  const fn = new FunctionScope(undefined, undefined);
  const c = new Compiler(fn, contextType);
  const bound: Bound = compileExpr(c, ast, expected);
  if (bound.type.kind === 'void') c.fail('Type', 'The expression does not produce a value.', ast.pos);
  const ev: Eval = expected ? c.convertImplicit(bound, expected, ast.pos) : bound.eval;
  const resultType = expected ?? bound.type;
  return {
    source,
    form: 'expression',
    resultType: typeName(resultType.kind === 'null' ? T.object() : resultType),
    evaluate: wrapEvaluation((ctx) => ev(rootFrame(ctx, fn.slotCount))),
  };
}
