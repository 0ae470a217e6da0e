/**
 * Compile-time state shared by the expression and statement compilers: the scope chain,
 * the checked/unchecked context, loop nesting, type resolution and conversion helpers.
 * Every compile error goes through `fail`, so each one names a position (and member).
 */
import { ExpressionCompileError, type CompileErrorReason } from '../errors.js';
import type { Pos, TypeSyntax } from '../syntax/ast.js';
import type { ClrType } from '../types/model.js';
import { DYNAMIC, VOID, arrayOf, isValueType, nullableOf, sameType, typeName } from '../types/model.js';
import { findTypeDef, resolveTypeName } from '../types/registry.js';
import { explicitConversion, implicitConversion, type Converter } from '../types/conversions.js';
import { ClrException } from '../runtime/exceptions.js';
import type { Eval, Frame } from './frame.js';
import { slotReader, slotWriter } from './frame.js';
import { BlockScope, FunctionScope, hopsBetween, type LocalFunction, type LocalVariable } from './scope.js';

/** A compiled expression: its static type and the closure computing it. */
export interface Bound {
  readonly type: ClrType;
  readonly eval: Eval;
  /** Present for compile-time constants (literals, `const` locals, folded casts). */
  readonly constant?: { readonly value: unknown };
  /** Present when the expression can be assigned to. */
  readonly lvalue?: LValue;
  /** A `throw` expression: converts to any type. */
  readonly isThrow?: boolean;
}

export interface Accessor {
  get(): unknown;
  set(v: unknown): void;
}

export interface LValue {
  readonly type: ClrType;
  /** Plain assignment: evaluates the target's receiver, then the value, then stores it. */
  assign(value: Eval): Eval;
  /** Read-modify-write: the receiver and index are evaluated once. */
  access(f: Frame): Accessor;
  /** For plain locals: read and write without allocating an accessor (loop counters). */
  readonly direct?: { readonly read: Eval; readonly write: (f: Frame, v: unknown) => void };
}

export type Resolution =
  | { readonly kind: 'value'; readonly bound: Bound }
  | { readonly kind: 'type'; readonly type: ClrType; readonly pos: Pos }
  | { readonly kind: 'namespace'; readonly name: string; readonly pos: Pos };

const NAMESPACE_ROOTS = new Set(['System', 'Newtonsoft', 'Microsoft']);

export class Compiler {
  scope: BlockScope;
  /** Inside `checked(…)` / `checked { }`: integer overflow throws at run time. */
  checked = false;
  /** Inside `unchecked(…)` / `unchecked { }`: constant expressions may overflow too. */
  explicitlyUnchecked = false;
  loopDepth = 0;
  breakableDepth = 0;
  catchDepth = 0;
  /** Slots holding the exception of each enclosing catch clause (for `throw;`). */
  readonly caughtSlots: Eval[] = [];
  /** The non-null value a conditional-access chain (`x?.…`) is built on. */
  receiver: Bound | undefined;

  constructor(
    readonly rootFn: FunctionScope,
    readonly contextType: ClrType,
  ) {
    this.scope = new BlockScope(undefined, rootFn);
  }

  get fn(): FunctionScope {
    return this.scope.fn;
  }

  fail(reason: CompileErrorReason, message: string, pos: Pos, member?: string): never {
    throw new ExpressionCompileError(reason, message, pos, member);
  }

  // ------------------------------------------------------------ scopes

  inBlock<T>(body: () => T): T {
    const saved = this.scope;
    this.scope = new BlockScope(saved, saved.fn);
    try {
      return body();
    } finally {
      this.scope = saved;
    }
  }

  inFunction<T>(fn: FunctionScope, body: () => T): T {
    const saved = this.scope;
    const savedReceiver = this.receiver;
    const savedLoops = [this.loopDepth, this.breakableDepth, this.catchDepth] as const;
    this.scope = new BlockScope(saved, fn);
    this.receiver = undefined;
    this.loopDepth = this.breakableDepth = this.catchDepth = 0;
    try {
      return body();
    } finally {
      this.scope = saved;
      this.receiver = savedReceiver;
      [this.loopDepth, this.breakableDepth, this.catchDepth] = savedLoops;
    }
  }

  withChecked<T>(checked: boolean, body: () => T): T {
    const saved = [this.checked, this.explicitlyUnchecked] as const;
    this.checked = checked;
    this.explicitlyUnchecked = !checked;
    try {
      return body();
    } finally {
      [this.checked, this.explicitlyUnchecked] = saved;
    }
  }

  /**
   * C# folds constant integer expressions in checked mode unless they are inside
   * `unchecked`: `int.MaxValue + 1` is a compile error, not a wrapped value.
   */
  checkConstantOverflow(compute: () => unknown, pos: Pos, message = 'The operation overflows at compile time in checked mode.'): void {
    if (this.explicitlyUnchecked) return;
    try {
      compute();
    } catch (e) {
      if (e instanceof ClrException && e.clrType === 'System.OverflowException') this.fail('Type', message, pos);
    }
  }

  declareLocal(name: string, type: ClrType, pos: Pos, constant?: { value: unknown }): LocalVariable {
    if (name === '_') {
      // A discard still needs somewhere to put the value.
      return { kind: 'variable', name, type, slot: this.fn.allocate(), fn: this.fn, pos };
    }
    if (this.scope.conflicts(name) || name === 'context') {
      this.fail('Type', `A local variable named '${name}' cannot be declared in this scope because it would give a different meaning to '${name}'.`, pos, name);
    }
    const v: LocalVariable = { kind: 'variable', name, type, slot: this.fn.allocate(), fn: this.fn, pos, constant };
    this.scope.add(v);
    return v;
  }

  declareFunction(fn: LocalFunction, pos: Pos): void {
    if (this.scope.hasOwn(fn.name)) this.fail('Type', `A local function named '${fn.name}' is already defined in this scope.`, pos, fn.name);
    this.scope.add(fn);
  }

  readVar(v: LocalVariable): Eval {
    return slotReader(hopsBetween(this.fn, v.fn), v.slot);
  }

  writeVar(v: LocalVariable): (f: Frame, value: unknown) => void {
    return slotWriter(hopsBetween(this.fn, v.fn), v.slot);
  }

  /** A hidden slot in the current function (conditional-access receivers, switch values). */
  tempSlot(): { read: Eval; write: (f: Frame, v: unknown) => void } {
    const slot = this.fn.allocate();
    return { read: slotReader(0, slot), write: slotWriter(0, slot) };
  }

  // ------------------------------------------------------------ types

  resolveType(ts: TypeSyntax): ClrType {
    switch (ts.kind) {
      case 'var':
        return this.fail('Type', "'var' is not allowed here.", ts.pos, 'var');
      case 'array':
        return arrayOf(this.resolveType(ts.element));
      case 'nullable': {
        const inner = this.resolveType(ts.inner);
        if (!isValueType(inner)) return inner; // `string?` is a nullable-reference annotation only
        return nullableOf(inner);
      }
      case 'named': {
        const args = ts.args.map((a) => this.resolveType(a));
        if (ts.name === 'void') return VOID;
        if (ts.name === 'dynamic') return DYNAMIC;
        try {
          if (ts.name.includes('.') && !findTypeDef(ts.name, args.length)) throw new Error('not found');
          return resolveTypeName(ts.name, args, new Set());
        } catch {
          const root = ts.name.split('.')[0];
          const hint = NAMESPACE_ROOTS.has(root) || /^[A-Z]/.test(ts.name) ? ' (it is not one of the types allowed in policy expressions)' : '';
          return this.fail('UnknownMember', `The type or namespace name '${ts.name}' could not be found${hint}.`, ts.pos, ts.name);
        }
      }
    }
  }

  /** Convert to `to` where C# applies an implicit conversion (assignment, argument, return). */
  convertImplicit(b: Bound, to: ClrType, pos: Pos): Eval {
    if (b.isThrow) return b.eval;
    const conv = implicitConversion(b.type, to, b.constant);
    if (!conv) {
      const explicit = explicitConversion(b.type, to) ? ' An explicit conversion exists (are you missing a cast?)' : '';
      return this.fail('Type', `Cannot implicitly convert type '${typeName(b.type)}' to '${typeName(to)}'.${explicit}`, pos);
    }
    return applyConverter(b.eval, conv.convert);
  }

  coerce(b: Bound, to: ClrType, pos: Pos): Bound {
    if (sameType(b.type, to)) return b;
    const ev = this.convertImplicit(b, to, pos);
    const conv = implicitConversion(b.type, to, b.constant);
    const constant = b.constant && conv ? { value: conv.convert ? conv.convert(b.constant.value) : b.constant.value } : undefined;
    return { type: to, eval: ev, constant };
  }

  convertExplicit(b: Bound, to: ClrType, pos: Pos): Eval {
    const conv = explicitConversion(b.type, to, this.checked);
    if (!conv) return this.fail('Type', `Cannot convert type '${typeName(b.type)}' to '${typeName(to)}'.`, pos);
    return applyConverter(b.eval, conv.convert);
  }
}

export function applyConverter(ev: Eval, convert: Converter): Eval {
  if (!convert) return ev;
  return (f) => convert(ev(f));
}

export function constantBound(type: ClrType, value: unknown): Bound {
  return { type, eval: () => value, constant: { value } };
}
