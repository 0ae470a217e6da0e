/**
 * The expression compiler's entry point: dispatches each AST node to the module that knows
 * it. `expected` is the target type where C# types an expression by its destination
 * (lambdas, `{ … }` array initializers, the `default` literal).
 */
import type { Expr, LiteralType } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { NULL_TYPE, nullableOf, primitive, typeName } from '../types/model.js';
import { defaultValueOf, explicitConversion, implicitConversion } from '../types/conversions.js';
import { T, delegateShape } from '../types/well-known.js';
import { ClrException } from '../runtime/exceptions.js';
import { constantBound, type Bound, type Compiler } from './compiler.js';
import { evaluateConstant } from './frame.js';
import { compileConditionalAccess, compileIndex, compileInvoke, compileMember, compileName, compileReceiver } from './access.js';
import { compileAssign, compileBinary, compileUnary } from './operators.js';
import { compileAs, compileIs, compilePattern } from './patterns.js';
import { compileAnonymous, compileArrayInitializer, compileNew, compileNewArray, bestCommonOf } from './creation.js';
import { compileInterpolation } from './strings.js';
import { compileLambda } from './lambdas.js';
import { throwEval } from './statements.js';

function literalType(t: LiteralType): ClrType {
  switch (t) {
    case 'string':
      return T.string();
    case 'null':
      return NULL_TYPE;
    default:
      return primitive(t);
  }
}

function compileConditional(c: Compiler, e: Extract<Expr, { kind: 'conditional' }>, expected: ClrType | undefined): Bound {
  const cond = c.convertImplicit(compileExpr(c, e.condition), T.bool(), e.condition.pos);
  const a = compileExpr(c, e.whenTrue, expected);
  const b = compileExpr(c, e.whenFalse, expected);
  let type: ClrType | undefined;
  if (a.isThrow && b.isThrow) return c.fail('Type', 'Both branches of the conditional operator throw.', e.pos);
  if (a.isThrow) type = b.type;
  else if (b.isThrow) type = a.type;
  else if (a.type.kind === 'null' && b.type.kind === 'null') type = expected ?? T.object();
  else if (a.type.kind === 'null') type = b.type.kind === 'primitive' || (b.type.kind === 'named' && b.type.def.isValueType) ? nullableOf(b.type) : b.type;
  else if (b.type.kind === 'null') type = a.type.kind === 'primitive' || (a.type.kind === 'named' && a.type.def.isValueType) ? nullableOf(a.type) : a.type;
  else {
    const ab = implicitConversion(a.type, b.type, a.constant);
    const ba = implicitConversion(b.type, a.type, b.constant);
    if (ab && !ba) type = b.type;
    else if (ba && !ab) type = a.type;
    else if (ab && ba) type = a.type;
    else type = expected && implicitConversion(a.type, expected) && implicitConversion(b.type, expected) ? expected : undefined;
  }
  if (!type) {
    return c.fail('Type', `Type of conditional expression cannot be determined because there is no implicit conversion between '${typeName(a.type)}' and '${typeName(b.type)}'.`, e.pos);
  }
  const ae = c.convertImplicit(a, type, e.whenTrue.pos);
  const be = c.convertImplicit(b, type, e.whenFalse.pos);
  if (a.constant && b.constant && e.condition.kind === 'literal') {
    const value = e.condition.value ? evaluateConstant(ae) : evaluateConstant(be);
    return constantBound(type, value);
  }
  return { type, eval: (f) => ((cond(f) as boolean) ? ae(f) : be(f)) };
}

function compileCast(c: Compiler, e: Extract<Expr, { kind: 'cast' }>): Bound {
  const to = c.resolveType(e.type);
  const operand = compileExpr(c, e.operand, to);
  if (operand.isThrow) return { type: to, eval: operand.eval };
  const ev = c.convertExplicit(operand, to, e.pos);
  if (operand.constant && to.kind === 'primitive' && operand.type.kind === 'primitive') {
    const strict = explicitConversion(operand.type, to, true);
    const value = operand.constant.value;
    if (strict?.convert) {
      c.checkConstantOverflow(() => strict.convert!(value), e.pos, `Constant value '${String(value)}' cannot be converted to a '${typeName(to)}' (use 'unchecked' syntax to override).`);
    }
  }
  if (operand.constant && (to.kind === 'primitive' || (to.kind === 'named' && to.def.name === 'String'))) {
    try {
      return constantBound(to, evaluateConstant(ev));
    } catch {
      // e.g. a checked overflow: reported when it runs, as C# would at compile time.
    }
  }
  return { type: to, eval: ev };
}

function compileSwitchExpression(c: Compiler, e: Extract<Expr, { kind: 'switch' }>, expected: ClrType | undefined): Bound {
  const value = compileExpr(c, e.value);
  const arms = e.arms.map((arm) =>
    c.inBlock(() => {
      const test = compilePattern(c, arm.pattern, value.type);
      const when = arm.when ? c.convertImplicit(compileExpr(c, arm.when), T.bool(), arm.when.pos) : undefined;
      const result = compileExpr(c, arm.result, expected);
      return { test, when, result, pos: arm.result.pos };
    }),
  );
  const type = expected ?? bestCommonOf(arms.filter((a) => !a.result.isThrow).map((a) => a.result.type));
  if (!type) return c.fail('Type', 'No best type was found for the switch expression.', e.pos);
  const compiled = arms.map((a) => ({ test: a.test, when: a.when, result: c.convertImplicit(a.result, type, a.pos) }));
  const ve = value.eval;
  return {
    type,
    eval: (f) => {
      const v = ve(f);
      for (const arm of compiled) {
        if (arm.test(f, v) && (!arm.when || (arm.when(f) as boolean))) return arm.result(f);
      }
      throw new ClrException('System.Runtime.CompilerServices.SwitchExpressionException', 'Non-exhaustive switch expression failed to match its input.');
    },
  };
}

export function compileExpr(c: Compiler, e: Expr, expected?: ClrType): Bound {
  switch (e.kind) {
    case 'literal':
      return constantBound(literalType(e.type), e.value);
    case 'interpolated':
      return compileInterpolation(c, e.parts);
    case 'name':
      return compileName(c, e);
    case 'predefinedType':
      return c.fail('Type', `'${e.name}' is a type, which is not valid in this context.`, e.pos, e.name);
    case 'member':
      return compileMember(c, e);
    case 'invoke':
      return compileInvoke(c, e);
    case 'index':
      return compileIndex(c, e);
    case 'conditionalAccess':
      return compileConditionalAccess(c, e);
    case 'receiver':
      return compileReceiver(c, e.pos);
    case 'unary':
      return compileUnary(c, e);
    case 'binary':
      return compileBinary(c, e);
    case 'assign':
      return compileAssign(c, e);
    case 'conditional':
      return compileConditional(c, e, expected);
    case 'cast':
      return compileCast(c, e);
    case 'as':
      return compileAs(c, e);
    case 'is':
      return compileIs(c, e);
    case 'lambda': {
      const shape = expected ? delegateShape(expected) : undefined;
      if (!shape || shape.params.length !== e.params.length) {
        return c.fail('Type', 'A lambda expression can only be used where a delegate of matching shape is expected.', e.pos);
      }
      const lam = compileLambda(c, e, shape.params, shape.returns);
      return { type: expected!, eval: lam.eval };
    }
    case 'new':
      return compileNew(c, e);
    case 'newAnonymous':
      return compileAnonymous(c, e);
    case 'newArray':
      return compileNewArray(c, e);
    case 'arrayInitializer':
      return compileArrayInitializer(c, e, expected, e.pos);
    case 'default': {
      const t = e.type ? c.resolveType(e.type) : expected;
      if (!t) return c.fail('Type', "The type of the 'default' literal cannot be inferred here; write default(T).", e.pos);
      return constantBound(t, defaultValueOf(t));
    }
    case 'checked':
      return c.withChecked(e.checked, () => compileExpr(c, e.operand, expected));
    case 'throw':
      return { type: expected ?? T.object(), eval: throwEval(c, e.operand), isThrow: true };
    case 'declaration':
      return c.fail('Syntax', 'A declaration expression is only allowed as an out argument.', e.pos, e.name);
    case 'typeof':
      return c.fail('UnsupportedSyntax', "'typeof' is not supported in policy expressions.", e.pos, 'typeof');
    case 'nameof':
      return constantBound(T.string(), e.name);
    case 'switch':
      return compileSwitchExpression(c, e, expected);
  }
}
