/**
 * Statements of `@{ … }` blocks, lambdas and local functions. Each statement compiles to a
 * closure returning how it completed (normal, break, continue, return), and reports whether
 * its end is reachable, which is how "not all code paths return a value" is caught at save time.
 */
import type { Block, Expr, LocalDeclaration, Pos, Statement } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { typeName } from '../types/model.js';
import { defaultValueOf, elementTypeOf, explicitConversion, implicitConversion } from '../types/conversions.js';
import { T, wellKnownDef } from '../types/well-known.js';
import { enumerate } from '../runtime/enumerable.js';
import { ClrException, nullReference } from '../runtime/exceptions.js';
import { toClrException } from '../runtime/exception-types.js';
import type { Compiler } from './compiler.js';
import { Completion, evaluateConstant, spendIteration, type Eval, type Exec, type Frame } from './frame.js';
import { FunctionScope, type LocalFunction } from './scope.js';
import { compileExpr } from './expressions.js';
import { compilePattern } from './patterns.js';
import { localFunctionInvoker } from './access.js';
import { bestCommonOf } from './creation.js';

interface CompiledStatement {
  readonly exec: Exec;
  /** Whether execution can continue after the statement. */
  readonly endReachable: boolean;
}

const NOOP: CompiledStatement = { exec: () => Completion.Normal, endReachable: true };

export function bestCommonType(types: readonly ClrType[]): ClrType | undefined {
  if (!types.length) return undefined;
  const nonNull = types.filter((t) => t.kind !== 'null');
  if (!nonNull.length) return T.object();
  return bestCommonOf(types) ?? T.object();
}

/** Compile a function body; the end must be unreachable unless the function returns void. */
export function compileFunctionBody(c: Compiler, body: Block, returnType: ClrType | undefined): Exec {
  const compiled = compileBlock(c, body, false);
  const needsReturn = returnType ? returnType.kind !== 'void' : c.fn.returnTypes.length > 0;
  if (compiled.endReachable && needsReturn) {
    c.fail('Type', 'Not all code paths return a value.', body.endPos);
  }
  return compiled.exec;
}

function compileBlock(c: Compiler, block: Block, newScope = true): CompiledStatement {
  const run = (): CompiledStatement => {
    hoistLocalFunctions(c, block.statements);
    const parts: CompiledStatement[] = [];
    let reachable = true;
    for (const s of block.statements) {
      const compiled = compileStatement(c, s);
      parts.push(compiled);
      if (!compiled.endReachable) reachable = false;
    }
    const execs = parts.map((p) => p.exec);
    const n = execs.length;
    const exec: Exec = (f) => {
      for (let i = 0; i < n; i++) {
        const r = execs[i](f);
        if (r !== Completion.Normal) return r;
      }
      return Completion.Normal;
    };
    return { exec, endReachable: reachable };
  };
  return newScope ? c.inBlock(run) : run();
}

function hoistLocalFunctions(c: Compiler, statements: readonly Statement[]): void {
  for (const s of statements) {
    if (s.kind !== 'localFunction') continue;
    const fn: LocalFunction = {
      kind: 'function',
      name: s.name,
      paramTypes: s.params.map((p) => c.resolveType(p.type)),
      returnType: c.resolveType(s.returnType),
      declaringFn: c.fn,
    };
    c.declareFunction(fn, s.pos);
  }
}

function compileLocalFunction(c: Compiler, s: Extract<Statement, { kind: 'localFunction' }>): CompiledStatement {
  const sym = c.scope.lookup(s.name);
  if (!sym || sym.kind !== 'function') return c.fail('Type', `Local function '${s.name}' was not declared.`, s.pos, s.name);
  const fnScope = new FunctionScope(c.fn, sym.returnType);
  c.inFunction(fnScope, () => {
    const slots = s.params.map((p, i) => c.declareLocal(p.name, sym.paramTypes[i], p.pos).slot);
    let body: (f: Frame) => unknown;
    if (s.body.kind === 'block') {
      const exec = compileFunctionBody(c, s.body, sym.returnType);
      body = (nf) => {
        exec(nf);
        return nf.ret === undefined ? null : nf.ret;
      };
    } else {
      const b = compileExpr(c, s.body, sym.returnType);
      body = sym.returnType.kind === 'void' ? b.eval : c.convertImplicit(b, sym.returnType, s.body.pos);
    }
    sym.invoke = localFunctionInvoker(() => fnScope.slotCount, slots, body);
  });
  return NOOP;
}

function condition(c: Compiler, e: Expr): Eval {
  return c.convertImplicit(compileExpr(c, e), T.bool(), e.pos);
}

const STATEMENT_EXPRESSIONS = new Set<Expr['kind']>(['assign', 'invoke', 'new', 'throw']);

function isStatementExpression(e: Expr): boolean {
  if (STATEMENT_EXPRESSIONS.has(e.kind)) return true;
  if (e.kind === 'unary' && (e.op === '++' || e.op === '--')) return true;
  if (e.kind === 'conditionalAccess') return isStatementExpression(e.chain);
  return false;
}

function compileLocal(c: Compiler, s: LocalDeclaration): CompiledStatement {
  const declared = s.type.kind === 'var' ? undefined : c.resolveType(s.type);
  const steps: Exec[] = [];
  for (const d of s.declarators) {
    if (!declared && !d.init) c.fail('Type', 'Implicitly-typed variables must be initialized.', d.pos, d.name);
    const init = d.init ? compileExpr(c, d.init, declared) : undefined;
    let type: ClrType;
    if (declared) type = declared;
    else {
      const t = init!.type;
      if (t.kind === 'null' || t.kind === 'void') c.fail('Type', `Cannot assign ${t.kind === 'null' ? '<null>' : 'void'} to an implicitly-typed variable.`, d.pos, d.name);
      type = t;
    }
    if (s.isConst && !init?.constant) c.fail('Type', `The expression being assigned to '${d.name}' must be constant.`, d.pos, d.name);
    const value = init ? c.convertImplicit(init, type, d.init!.pos) : undefined;
    const constant = s.isConst && init?.constant ? { value: evaluateConstant(value!) } : undefined;
    const v = c.declareLocal(d.name, type, d.pos, constant);
    const write = c.writeVar(v);
    if (value) {
      steps.push((f) => {
        write(f, value(f));
        return Completion.Normal;
      });
    } else {
      const dflt = defaultValueOf(type);
      steps.push((f) => {
        write(f, dflt);
        return Completion.Normal;
      });
    }
  }
  if (steps.length === 1) return { exec: steps[0], endReachable: true };
  return {
    exec: (f) => {
      for (const st of steps) st(f);
      return Completion.Normal;
    },
    endReachable: true,
  };
}

function loopBody(c: Compiler, body: Statement): CompiledStatement {
  c.loopDepth++;
  c.breakableDepth++;
  try {
    return c.inBlock(() => compileStatement(c, body));
  } finally {
    c.loopDepth--;
    c.breakableDepth--;
  }
}

function containsBreak(s: Statement): boolean {
  switch (s.kind) {
    case 'break':
      return true;
    case 'block':
      return s.statements.some(containsBreak);
    case 'if':
      return containsBreak(s.then) || (s.else !== undefined && containsBreak(s.else));
    case 'checkedBlock':
      return containsBreak(s.body);
    case 'try':
      return containsBreak(s.body) || s.catches.some((k) => containsBreak(k.body)) || (s.finally !== undefined && containsBreak(s.finally));
    case 'using':
      return s.body !== undefined && containsBreak(s.body);
    default:
      // Nested loops and switches own their breaks.
      return false;
  }
}

function isConstantTrue(e: Expr | undefined): boolean {
  return e === undefined || (e.kind === 'literal' && e.value === true);
}

function compileForeach(c: Compiler, s: Extract<Statement, { kind: 'foreach' }>): CompiledStatement {
  const collection = compileExpr(c, s.collection);
  const element = elementTypeOf(collection.type);
  if (!element) {
    return c.fail('Type', `foreach statement cannot operate on variables of type '${typeName(collection.type)}' because it is not enumerable.`, s.collection.pos);
  }
  return c.inBlock(() => {
    const declared = s.type.kind === 'var' ? element : c.resolveType(s.type);
    const conv = explicitConversion(element, declared);
    if (!conv) c.fail('Type', `Cannot convert type '${typeName(element)}' to '${typeName(declared)}'.`, s.type.pos);
    const v = c.declareLocal(s.name, declared, s.pos);
    const write = c.writeVar(v);
    const convert = conv.convert;
    const body = loopBody(c, s.body);
    const ce = collection.eval;
    const be = body.exec;
    return {
      exec: (f) => {
        const items = ce(f);
        if (items === null || items === undefined) throw nullReference();
        for (const item of enumerate(items)) {
          spendIteration(f);
          write(f, convert ? convert(item) : item);
          const r = be(f);
          if (r === Completion.Break) break;
          if (r === Completion.Return) return r;
        }
        return Completion.Normal;
      },
      endReachable: true,
    };
  });
}

function compileFor(c: Compiler, s: Extract<Statement, { kind: 'for' }>): CompiledStatement {
  return c.inBlock(() => {
    const init = s.init ? compileLocal(c, s.init).exec : undefined;
    const initExprs = s.initExprs.map((e) => compileExpr(c, e).eval);
    const cond = s.condition ? condition(c, s.condition) : undefined;
    const updates = s.updates.map((e) => compileExpr(c, e).eval);
    const body = loopBody(c, s.body).exec;
    const infinite = isConstantTrue(s.condition) && !containsBreak(s.body);
    return {
      exec: (f) => {
        if (init) init(f);
        for (const e of initExprs) e(f);
        for (;;) {
          if (cond && !(cond(f) as boolean)) break;
          spendIteration(f);
          const r = body(f);
          if (r === Completion.Break) break;
          if (r === Completion.Return) return r;
          for (const u of updates) u(f);
        }
        return Completion.Normal;
      },
      endReachable: !infinite,
    };
  });
}

function compileSwitch(c: Compiler, s: Extract<Statement, { kind: 'switch' }>): CompiledStatement {
  const value = compileExpr(c, s.value);
  const slot = c.tempSlot();
  return c.inBlock(() => {
    c.breakableDepth++;
    try {
      let hasDefault = false;
      let anyReachableEnd = false;
      let anyBreak = false;
      const sections = s.sections.map((sec) => {
        const tests = sec.labels.map((label) => {
          if (!label) {
            hasDefault = true;
            return undefined;
          }
          const test = compilePattern(c, label.pattern, value.type);
          const when = label.when ? condition(c, label.when) : undefined;
          return when ? (f: Frame, v: unknown) => test(f, v) && (when(f) as boolean) : test;
        });
        hoistLocalFunctions(c, sec.statements);
        const parts = sec.statements.map((st) => compileStatement(c, st));
        const reachable = parts.every((p) => p.endReachable);
        if (reachable) {
          c.fail('Type', "Control cannot fall through from one case label to another; end the section with 'break' or 'return'.", sec.pos);
        }
        if (sec.statements.some(containsBreak)) anyBreak = true;
        const execs = parts.map((p) => p.exec);
        return { tests, isDefault: sec.labels.includes(undefined), execs };
      });
      anyReachableEnd = anyBreak || !hasDefault;
      const ve = value.eval;
      return {
        exec: (f) => {
          const v = ve(f);
          slot.write(f, v);
          let chosen = sections.find((sec) => sec.tests.some((t) => t !== undefined && t(f, v)));
          chosen ??= sections.find((sec) => sec.isDefault);
          if (!chosen) return Completion.Normal;
          for (const e of chosen.execs) {
            const r = e(f);
            if (r === Completion.Break) return Completion.Normal;
            if (r !== Completion.Normal) return r;
          }
          return Completion.Normal;
        },
        endReachable: anyReachableEnd,
      };
    } finally {
      c.breakableDepth--;
    }
  });
}

function exceptionTypeMatches(c: Compiler, t: ClrType | undefined, pos: Pos): (e: ClrException) => boolean {
  if (!t) return () => true;
  if (t.kind !== 'named' || !implicitConversion(t, { kind: 'named', def: wellKnownDef('Exception'), args: [] })) {
    c.fail('Type', `The type caught must be an exception type, not '${typeName(t)}'.`, pos);
  }
  const def = t.def;
  return (e) => def.isInstance(e);
}

function compileTry(c: Compiler, s: Extract<Statement, { kind: 'try' }>): CompiledStatement {
  const body = compileBlock(c, s.body);
  const catches = s.catches.map((k) =>
    c.inBlock(() => {
      const type = k.type ? c.resolveType(k.type) : undefined;
      const matches = exceptionTypeMatches(c, type, k.type?.pos ?? k.pos);
      const caught = c.tempSlot();
      const write = k.name ? c.writeVar(c.declareLocal(k.name, type!, k.pos)) : undefined;
      const filter = k.filter ? condition(c, k.filter) : undefined;
      c.catchDepth++;
      c.caughtSlots.push(caught.read);
      try {
        const block = compileBlock(c, k.body);
        return { matches, write, filter, block, remember: caught.write };
      } finally {
        c.catchDepth--;
        c.caughtSlots.pop();
      }
    }),
  );
  const fin = s.finally ? compileBlock(c, s.finally) : undefined;
  const be = body.exec;
  return {
    exec: (f) => {
      try {
        return be(f);
      } catch (err) {
        const ex = toClrException(err);
        for (const k of catches) {
          if (!k.matches(ex)) continue;
          if (k.write) k.write(f, ex);
          if (k.filter && !(k.filter(f) as boolean)) continue;
          k.remember(f, ex);
          return k.block.exec(f);
        }
        throw err;
      } finally {
        if (fin) fin.exec(f);
      }
    },
    endReachable: body.endReachable || catches.some((k) => k.block.endReachable),
  };
}

function compileReturn(c: Compiler, s: Extract<Statement, { kind: 'return' }>): CompiledStatement {
  const fn = c.fn;
  if (!s.value) {
    if (fn.returnType && fn.returnType.kind !== 'void') c.fail('Type', `A value of type '${typeName(fn.returnType)}' must be returned.`, s.pos);
    return { exec: () => Completion.Return, endReachable: false };
  }
  const b = compileExpr(c, s.value, fn.returnType);
  if (b.type.kind === 'void') c.fail('Type', 'Cannot return a void expression.', s.value.pos);
  let ev: Eval;
  if (fn.returnType) {
    if (fn.returnType.kind === 'void') c.fail('Type', 'Since the function returns void, a return keyword must not be followed by an expression.', s.pos);
    ev = c.convertImplicit(b, fn.returnType, s.value.pos);
  } else {
    ev = b.eval;
  }
  fn.returnTypes.push(b.type);
  return {
    exec: (f) => {
      f.ret = ev(f);
      return Completion.Return;
    },
    endReachable: false,
  };
}

function compileThrowValue(c: Compiler, value: Expr): Eval {
  const b = compileExpr(c, value);
  const exception = { kind: 'named', def: wellKnownDef('Exception'), args: [] } as const;
  if (!implicitConversion(b.type, exception)) c.fail('Type', `The type thrown must be an exception, not '${typeName(b.type)}'.`, value.pos);
  return b.eval;
}

export function throwEval(c: Compiler, value: Expr): Eval {
  const ev = compileThrowValue(c, value);
  return (f) => {
    const ex = ev(f);
    if (ex instanceof Error) throw ex;
    throw nullReference();
  };
}

export function compileStatement(c: Compiler, s: Statement): CompiledStatement {
  switch (s.kind) {
    case 'block':
      return compileBlock(c, s);
    case 'local':
      return compileLocal(c, s);
    case 'expression': {
      if (!isStatementExpression(s.expr)) {
        c.fail('Type', 'Only assignment, call, increment, decrement and new object expressions can be used as a statement.', s.pos);
      }
      const ev = compileExpr(c, s.expr).eval;
      return {
        exec: (f) => {
          ev(f);
          return Completion.Normal;
        },
        endReachable: s.expr.kind !== 'throw',
      };
    }
    case 'if': {
      const cond = condition(c, s.condition);
      const then = c.inBlock(() => compileStatement(c, s.then));
      const els = s.else ? c.inBlock(() => compileStatement(c, s.else!)) : undefined;
      const te = then.exec;
      const ee = els?.exec;
      const constant = s.condition.kind === 'literal' ? s.condition.value : undefined;
      return {
        exec: ee ? (f) => ((cond(f) as boolean) ? te(f) : ee(f)) : (f) => ((cond(f) as boolean) ? te(f) : Completion.Normal),
        endReachable: constant === true ? then.endReachable : then.endReachable || (els ? els.endReachable : true),
      };
    }
    case 'foreach':
      return compileForeach(c, s);
    case 'for':
      return compileFor(c, s);
    case 'while': {
      const cond = condition(c, s.condition);
      const body = loopBody(c, s.body).exec;
      return {
        exec: (f) => {
          while (cond(f) as boolean) {
            spendIteration(f);
            const r = body(f);
            if (r === Completion.Break) break;
            if (r === Completion.Return) return r;
          }
          return Completion.Normal;
        },
        endReachable: !(isConstantTrue(s.condition) && !containsBreak(s.body)),
      };
    }
    case 'do': {
      const body = loopBody(c, s.body).exec;
      const cond = condition(c, s.condition);
      return {
        exec: (f) => {
          do {
            spendIteration(f);
            const r = body(f);
            if (r === Completion.Break) break;
            if (r === Completion.Return) return r;
          } while (cond(f) as boolean);
          return Completion.Normal;
        },
        endReachable: !(isConstantTrue(s.condition) && !containsBreak(s.body)),
      };
    }
    case 'return':
      return compileReturn(c, s);
    case 'break':
      if (c.breakableDepth === 0) c.fail('Syntax', 'No enclosing loop or switch out of which to break.', s.pos);
      return { exec: () => Completion.Break, endReachable: false };
    case 'continue':
      if (c.loopDepth === 0) c.fail('Syntax', 'No enclosing loop out of which to continue.', s.pos);
      return { exec: () => Completion.Continue, endReachable: false };
    case 'throw': {
      if (!s.value) {
        if (c.catchDepth === 0) c.fail('Syntax', 'A throw statement with no arguments is not allowed outside of a catch clause.', s.pos);
        const caught = c.caughtSlots[c.caughtSlots.length - 1];
        return {
          exec: (f) => {
            throw caught(f) as ClrException;
          },
          endReachable: false,
        };
      }
      const ev = throwEval(c, s.value);
      return {
        exec: (f) => {
          ev(f);
          return Completion.Normal;
        },
        endReachable: false,
      };
    }
    case 'localFunction':
      return compileLocalFunction(c, s);
    case 'checkedBlock':
      return c.withChecked(s.checked, () => compileBlock(c, s.body));
    case 'switch':
      return compileSwitch(c, s);
    case 'try':
      return compileTry(c, s);
    case 'using':
      return c.inBlock(() => {
        const decl = s.declaration ? compileLocal(c, s.declaration) : undefined;
        const resource = s.expr ? compileExpr(c, s.expr).eval : undefined;
        const body = s.body ? compileStatement(c, s.body) : undefined;
        return {
          exec: (f) => {
            // Disposal is a no-op: runtime objects hold no unmanaged resources.
            if (decl) decl.exec(f);
            if (resource) resource(f);
            return body ? body.exec(f) : Completion.Normal;
          },
          endReachable: body ? body.endReachable : true,
        };
      });
    case 'empty':
      return NOOP;
  }
}
