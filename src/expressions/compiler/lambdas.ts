/**
 * Lambdas compile against the delegate type they are converted to (`Func<string, bool>` for
 * `Where`), become JS functions at run time, and run in a child frame that can read the
 * variables they capture.
 */
import type { Expr } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { NULL_TYPE, sameType, typeName } from '../types/model.js';
import { T } from '../types/well-known.js';
import type { Compiler } from './compiler.js';
import { childFrame, type Eval, type Frame } from './frame.js';
import { FunctionScope } from './scope.js';
import { compileExpr } from './expressions.js';
import { bestCommonType, compileFunctionBody } from './statements.js';

export interface CompiledLambda {
  /** Produces the JS function for the delegate (capturing the current frame). */
  readonly eval: Eval;
  readonly returnType: ClrType;
}

type LambdaExpr = Extract<Expr, { kind: 'lambda' }>;

function build(c: Compiler, lambda: LambdaExpr, paramTypes: readonly ClrType[], returnType: ClrType | undefined): CompiledLambda & { inferred: ClrType[] } {
  const fn = new FunctionScope(c.fn, returnType);
  return c.inFunction(fn, () => {
    const slots = lambda.params.map((p, i) => {
      if (p.type) {
        const declared = c.resolveType(p.type);
        if (!sameType(declared, paramTypes[i])) {
          c.fail('Type', `Lambda parameter '${p.name}' is declared '${typeName(declared)}' but '${typeName(paramTypes[i])}' is expected.`, p.pos, p.name);
        }
      }
      return c.declareLocal(p.name, paramTypes[i], p.pos).slot;
    });
    let body: (nf: Frame) => unknown;
    let resultType: ClrType;
    if (lambda.body.kind === 'block') {
      const exec = compileFunctionBody(c, lambda.body, returnType ?? undefined);
      body = (nf) => {
        exec(nf);
        return nf.ret === undefined ? null : nf.ret;
      };
      resultType = returnType ?? bestCommonType(fn.returnTypes) ?? { kind: 'void' };
    } else {
      const bound = compileExpr(c, lambda.body, returnType);
      if (returnType && returnType.kind !== 'void') {
        body = c.convertImplicit(bound, returnType, lambda.body.pos);
        resultType = returnType;
      } else {
        body = bound.eval;
        resultType = returnType ?? (bound.type.kind === 'null' ? T.object() : bound.type);
      }
    }
    const n = () => fn.slotCount;
    const count = slots.length;
    const evalFn: Eval = (f) => {
      const size = n();
      return (...args: unknown[]) => {
        const nf = childFrame(f, size);
        for (let i = 0; i < count; i++) nf.slots[slots[i]] = args[i];
        return body(nf);
      };
    };
    return { eval: evalFn, returnType: resultType, inferred: fn.returnTypes };
  });
}

/**
 * Compile a lambda for the given parameter types. With `returnType` undefined the return
 * type is inferred from the body (for generic inference such as `Select<T, TResult>`).
 */
export function compileLambda(c: Compiler, lambda: LambdaExpr, paramTypes: readonly ClrType[], returnType: ClrType | undefined): CompiledLambda {
  const first = build(c, lambda, paramTypes, returnType);
  if (returnType || lambda.body.kind !== 'block') return first;
  // Block lambdas whose returns disagree (int and double) are compiled again against the
  // common type so every return converts to it.
  const distinct = first.inferred.filter((t, i, all) => all.findIndex((u) => sameType(u, t)) === i && t !== NULL_TYPE);
  if (distinct.length <= 1 && !first.inferred.some((t) => t.kind === 'null')) return first;
  return build(c, lambda, paramTypes, first.returnType);
}
