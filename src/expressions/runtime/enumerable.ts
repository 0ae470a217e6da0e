/**
 * IEnumerable<T> at run time: any JS iterable, with strings enumerating UTF-16 code units
 * (C# chars) rather than code points. LINQ operators return lazy `Sequence`s, like C#'s
 * deferred execution, so `First()` stops early and never touches later elements.
 */
import { argumentNull, nullReference } from './exceptions.js';
import { CLR_TYPE } from './object.js';

function* chars(s: string): Generator<string> {
  for (let i = 0; i < s.length; i++) yield s[i];
}

/** Iterate a C# enumerable value (foreach semantics). */
export function enumerate(value: unknown): Iterable<unknown> {
  if (value === null || value === undefined) throw nullReference();
  if (typeof value === 'string') return chars(value);
  if (typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return value as Iterable<unknown>;
  throw nullReference();
}

/** LINQ sources: null is ArgumentNullException('source'), as in System.Linq. */
export function source(value: unknown, param = 'source'): Iterable<unknown> {
  if (value === null || value === undefined) throw argumentNull(param);
  return enumerate(value);
}

/** A deferred LINQ result. Re-enumerating runs the query again, as in .NET. */
export class Sequence implements Iterable<unknown> {
  readonly [CLR_TYPE] = 'System.Linq.Enumerable+Iterator';
  constructor(private readonly produce: () => Iterator<unknown>) {}
  [Symbol.iterator](): Iterator<unknown> {
    return this.produce();
  }
  toString(): string {
    return 'System.Linq.Enumerable+Iterator`1';
  }
}

export function lazy(gen: () => Generator<unknown>): Sequence {
  return new Sequence(gen);
}

export function toArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  return [...enumerate(value)];
}

export function isEnumerable(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    (value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function')
  );
}
