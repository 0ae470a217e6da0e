/**
 * Run-time activation records. Every compiled expression is a tree of closures over a
 * `Frame`: locals live in numbered slots resolved at compile time, lambdas and local
 * functions get a child frame whose `parent` is the frame they were created in.
 */
import { ClrException } from '../runtime/exceptions.js';

export interface Budget {
  /** Loop iterations left for this evaluation: a policy expression must not hang a request. */
  steps: number;
}

export interface Frame {
  readonly ctx: unknown;
  readonly slots: unknown[];
  readonly parent: Frame | null;
  /** The value of the last executed `return`. */
  ret: unknown;
  readonly budget: Budget;
}

export type Eval = (f: Frame) => unknown;
/** Statement closures report how they completed. */
export type Exec = (f: Frame) => Completion;

export const Completion = { Normal: 0, Break: 1, Continue: 2, Return: 3 } as const;
export type Completion = (typeof Completion)[keyof typeof Completion];

export const LOOP_ITERATION_LIMIT = 1_000_000;

export function rootFrame(ctx: unknown, slotCount: number): Frame {
  return { ctx, slots: new Array<unknown>(slotCount), parent: null, ret: undefined, budget: { steps: LOOP_ITERATION_LIMIT } };
}

export function childFrame(parent: Frame, slotCount: number): Frame {
  return { ctx: parent.ctx, slots: new Array<unknown>(slotCount), parent, ret: undefined, budget: parent.budget };
}

export function ancestor(f: Frame, hops: number): Frame {
  let g = f;
  for (let i = 0; i < hops; i++) g = g.parent!;
  return g;
}

export function spendIteration(f: Frame): void {
  if (--f.budget.steps < 0) {
    throw new ClrException('System.InvalidOperationException', `The expression exceeded the limit of ${LOOP_ITERATION_LIMIT} loop iterations.`);
  }
}

/**
 * Run a closure built only from constants (operands of constant folding). Such closures never
 * read their frame, so folding can run them once, at compile time, without one.
 */
export function evaluateConstant(ev: Eval): unknown {
  return ev(undefined as unknown as Frame);
}

export function slotReader(hops: number, slot: number): Eval {
  if (hops === 0) return (f) => f.slots[slot];
  if (hops === 1) return (f) => f.parent!.slots[slot];
  return (f) => ancestor(f, hops).slots[slot];
}

export function slotWriter(hops: number, slot: number): (f: Frame, v: unknown) => void {
  if (hops === 0)
    return (f, v) => {
      f.slots[slot] = v;
    };
  if (hops === 1)
    return (f, v) => {
      f.parent!.slots[slot] = v;
    };
  return (f, v) => {
    ancestor(f, hops).slots[slot] = v;
  };
}
