/**
 * Compile-time scopes: which names are visible, which frame slot each local occupies and
 * how many frames up (lambda/local-function boundaries) it lives.
 */
import type { ClrType } from '../types/model.js';
import type { Frame } from './frame.js';
import type { Pos } from '../syntax/ast.js';

export class FunctionScope {
  slotCount = 0;
  /** Static types of the `return` expressions seen (for lambda return-type inference). */
  readonly returnTypes: ClrType[] = [];

  constructor(
    readonly parent: FunctionScope | undefined,
    /** Declared return type; undefined while a lambda's return type is being inferred. */
    readonly returnType: ClrType | undefined,
  ) {}

  allocate(): number {
    return this.slotCount++;
  }
}

export interface LocalVariable {
  readonly kind: 'variable';
  readonly name: string;
  readonly type: ClrType;
  readonly slot: number;
  readonly fn: FunctionScope;
  readonly pos: Pos;
  readonly constant?: { readonly value: unknown };
}

export interface LocalFunction {
  readonly kind: 'function';
  readonly name: string;
  readonly paramTypes: readonly ClrType[];
  readonly returnType: ClrType;
  readonly declaringFn: FunctionScope;
  /** Filled once the body is compiled; calls made at run time always find it set. */
  invoke?: (definingFrame: Frame, args: unknown[]) => unknown;
}

export type LocalSymbol = LocalVariable | LocalFunction;

export class BlockScope {
  private readonly symbols = new Map<string, LocalSymbol>();

  constructor(
    readonly parent: BlockScope | undefined,
    readonly fn: FunctionScope,
  ) {}

  lookup(name: string): LocalSymbol | undefined {
    return this.symbols.get(name) ?? this.parent?.lookup(name);
  }

  /** True when the name is already declared here or in an enclosing scope (C# forbids shadowing). */
  conflicts(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  add(symbol: LocalSymbol): void {
    this.symbols.set(symbol.name, symbol);
  }

  hasOwn(name: string): boolean {
    return this.symbols.has(name);
  }
}

/** Number of lambda/local-function boundaries between the code in `from` and `to`. */
export function hopsBetween(from: FunctionScope, to: FunctionScope): number {
  let hops = 0;
  for (let s: FunctionScope | undefined = from; s && s !== to; s = s.parent) hops++;
  return hops;
}
