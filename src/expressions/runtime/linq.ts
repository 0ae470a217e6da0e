/**
 * System.Linq.Enumerable: the LINQ operators as extension methods on IEnumerable<T>.
 * Filtering and projection are deferred (lazy `Sequence`s), as in .NET; ordering is stable;
 * element operators throw .NET's InvalidOperationException messages.
 */
import type { BindInfo } from '../types/model.js';
import { defineType } from '../types/registry.js';
import { defaultValueOf, runtimeCast, runtimeIs } from '../types/conversions.js';
import { argumentOutOfRange, invalidOperation, overflow } from './exceptions.js';
import { lazy, source, Sequence } from './enumerable.js';
import { CLR_TYPE, clrEquals, clrHashKey } from './object.js';
import { ClrDictionary, ClrHashSet, arrayFor } from './collections.js';
import type { StringComparerImpl } from './string.js';
import { defaultCompare } from './system-types.js';
import { INT_MAX, INT_MIN } from './numeric.js';

type Fn1 = (x: unknown) => unknown;
type Pred = (x: unknown) => boolean;
type PredI = (x: unknown, i: number) => boolean;

const NO_ELEMENTS = 'Sequence contains no elements';
const NO_MATCH = 'Sequence contains no matching element';

function items(src: unknown): unknown[] {
  const s = source(src);
  return Array.isArray(s) ? s : [...s];
}

class OrderedSequence implements Iterable<unknown> {
  readonly [CLR_TYPE] = 'System.Linq.OrderedEnumerable';
  constructor(
    readonly src: unknown,
    readonly keys: readonly { key: Fn1; descending: boolean }[],
  ) {}
  *[Symbol.iterator](): Iterator<unknown> {
    const list = items(this.src).map((v) => ({ v, k: this.keys.map((k) => k.key(v)) }));
    list.sort((a, b) => {
      for (let i = 0; i < this.keys.length; i++) {
        const c = defaultCompare(a.k[i], b.k[i]);
        if (c !== 0) return this.keys[i].descending ? -c : c;
      }
      return 0;
    });
    for (const e of list) yield e.v;
  }
  toString(): string {
    return 'System.Linq.OrderedEnumerable`2';
  }
}

class Grouping implements Iterable<unknown> {
  readonly [CLR_TYPE] = 'System.Linq.Grouping';
  constructor(
    readonly key: unknown,
    readonly elements: unknown[],
  ) {}
  [Symbol.iterator](): Iterator<unknown> {
    return this.elements[Symbol.iterator]();
  }
  toString(): string {
    return 'System.Linq.Grouping`2';
  }
}

function first(src: unknown, pred?: Pred): { found: boolean; value: unknown } {
  for (const x of source(src)) if (!pred || pred(x)) return { found: true, value: x };
  return { found: false, value: null };
}

function last(src: unknown, pred?: Pred): { found: boolean; value: unknown } {
  let r = { found: false, value: null as unknown };
  for (const x of source(src)) if (!pred || pred(x)) r = { found: true, value: x };
  return r;
}

function single(src: unknown, pred: Pred | undefined, orDefault: boolean, dflt: unknown): unknown {
  let found = false;
  let value: unknown = dflt;
  for (const x of source(src)) {
    if (pred && !pred(x)) continue;
    if (found) throw invalidOperation(pred ? 'Sequence contains more than one matching element' : 'Sequence contains more than one element');
    found = true;
    value = x;
  }
  if (!found && !orDefault) throw invalidOperation(pred ? NO_MATCH : NO_ELEMENTS);
  return value;
}

function distinctBy(values: Iterable<unknown>, comparer: StringComparerImpl | null): Sequence {
  return lazy(function* () {
    const seen = new Set<unknown>();
    for (const x of values) {
      const k = comparer ? comparer.key(x) : clrHashKey(x);
      if (seen.has(k)) continue;
      seen.add(k);
      yield x;
    }
  });
}

function sumInt(values: Iterable<unknown>): number {
  let s = 0;
  for (const x of values) {
    s += x as number;
    if (s > INT_MAX || s < INT_MIN) throw overflow();
  }
  return s;
}
function sumLong(values: Iterable<unknown>): bigint {
  let s = 0n;
  for (const x of values) s += x as bigint;
  if (s > 2n ** 63n - 1n || s < -(2n ** 63n)) throw overflow();
  return s;
}
function sumDouble(values: Iterable<unknown>): number {
  let s = 0;
  for (const x of values) s += x as number;
  return s;
}

function extreme(values: Iterable<unknown>, sign: 1 | -1, allowEmpty: boolean): unknown {
  let best: unknown = undefined;
  let any = false;
  for (const x of values) {
    if (x === null || x === undefined) continue;
    if (!any || defaultCompare(x, best) * sign > 0) best = x;
    any = true;
  }
  if (!any) {
    if (allowEmpty) return null;
    throw invalidOperation(NO_ELEMENTS);
  }
  return best;
}

function average(values: Iterable<unknown>): number {
  let s = 0;
  let n = 0;
  for (const x of values) {
    s += typeof x === 'bigint' ? Number(x) : (x as number);
    n++;
  }
  if (n === 0) throw invalidOperation(NO_ELEMENTS);
  return s / n;
}

function mapped(src: unknown, f: Fn1): Iterable<unknown> {
  return lazy(function* () {
    for (const x of source(src)) yield f(x);
  });
}

function defaultOf(info: BindInfo): unknown {
  return defaultValueOf(info.returnType);
}

function isReferenceLike(info: BindInfo): boolean {
  const t = info.returnType;
  return !(t.kind === 'primitive' || (t.kind === 'named' && t.def.isValueType));
}

function toDictionary(src: unknown, key: Fn1, element: Fn1 | null, comparer: StringComparerImpl | null): ClrDictionary {
  const d = new ClrDictionary(comparer);
  for (const x of source(src)) d.add(key(x), element ? element(x) : x);
  return d;
}

defineType({
  name: 'IOrderedEnumerable',
  namespace: 'System.Linq',
  typeParams: ['T'],
  interface: true,
  bases: ['IEnumerable<T>'],
  isInstance: (v) => v instanceof OrderedSequence,
});

defineType({
  name: 'IGrouping',
  namespace: 'System.Linq',
  typeParams: ['TKey', 'TElement'],
  interface: true,
  bases: ['IEnumerable<TElement>'],
  isInstance: (v) => v instanceof Grouping,
  members: (b) => b.prop('Key', 'TKey', (g: Grouping) => g.key),
});

defineType({
  name: 'Enumerable',
  namespace: 'System.Linq',
  static: true,
  members: (b) => {
    const S = 'this IEnumerable<T> source';
    b.extension('Where', `<T> IEnumerable<T>(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) =>
      lazy(function* () {
        for (const x of source(src)) if (p(x)) yield x;
      }),
    );
    b.extension('Where', `<T> IEnumerable<T>(${S}, Func<T, int, bool> predicate)`, (src: unknown, p: PredI) =>
      lazy(function* () {
        let i = 0;
        for (const x of source(src)) if (p(x, i++)) yield x;
      }),
    );
    b.extension('Select', `<T, TResult> IEnumerable<TResult>(${S}, Func<T, TResult> selector)`, mapped);
    b.extension('Select', `<T, TResult> IEnumerable<TResult>(${S}, Func<T, int, TResult> selector)`, (src: unknown, f: (x: unknown, i: number) => unknown) =>
      lazy(function* () {
        let i = 0;
        for (const x of source(src)) yield f(x, i++);
      }),
    );
    b.extension('SelectMany', `<T, TResult> IEnumerable<TResult>(${S}, Func<T, IEnumerable<TResult>> selector)`, (src: unknown, f: Fn1) =>
      lazy(function* () {
        for (const x of source(src)) yield* source(f(x), 'collection');
      }),
    );
    b.extension('Any', `<T> bool(${S})`, (src: unknown) => first(src).found);
    b.extension('Any', `<T> bool(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => first(src, p).found);
    b.extension('All', `<T> bool(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => !first(src, (x) => !p(x)).found);
    b.extension('Count', `<T> int(${S})`, (src: unknown) => items(src).length);
    b.extension('Count', `<T> int(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => items(src).filter((x) => p(x)).length);
    b.extension('LongCount', `<T> long(${S})`, (src: unknown) => BigInt(items(src).length));
    b.extension('First', `<T> T(${S})`, (src: unknown) => {
      const r = first(src);
      if (!r.found) throw invalidOperation(NO_ELEMENTS);
      return r.value;
    });
    b.extension('First', `<T> T(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => {
      const r = first(src, p);
      if (!r.found) throw invalidOperation(NO_MATCH);
      return r.value;
    });
    b.extension('FirstOrDefault', `<T> T(${S})`, { bind: (info: BindInfo) => (src: unknown) => (first(src).found ? first(src).value : defaultOf(info)) });
    b.extension('FirstOrDefault', `<T> T(${S}, Func<T, bool> predicate)`, {
      bind: (info: BindInfo) => (src: unknown, p: Pred) => {
        const r = first(src, p);
        return r.found ? r.value : defaultOf(info);
      },
    });
    b.extension('FirstOrDefault', `<T> T(${S}, T defaultValue)`, (src: unknown, d: unknown) => {
      const r = first(src);
      return r.found ? r.value : d;
    });
    b.extension('Last', `<T> T(${S})`, (src: unknown) => {
      const r = last(src);
      if (!r.found) throw invalidOperation(NO_ELEMENTS);
      return r.value;
    });
    b.extension('Last', `<T> T(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => {
      const r = last(src, p);
      if (!r.found) throw invalidOperation(NO_MATCH);
      return r.value;
    });
    b.extension('LastOrDefault', `<T> T(${S})`, { bind: (info: BindInfo) => (src: unknown) => (last(src).found ? last(src).value : defaultOf(info)) });
    b.extension('LastOrDefault', `<T> T(${S}, Func<T, bool> predicate)`, {
      bind: (info: BindInfo) => (src: unknown, p: Pred) => {
        const r = last(src, p);
        return r.found ? r.value : defaultOf(info);
      },
    });
    b.extension('Single', `<T> T(${S})`, (src: unknown) => single(src, undefined, false, null));
    b.extension('Single', `<T> T(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => single(src, p, false, null));
    b.extension('SingleOrDefault', `<T> T(${S})`, { bind: (info: BindInfo) => (src: unknown) => single(src, undefined, true, defaultOf(info)) });
    b.extension('SingleOrDefault', `<T> T(${S}, Func<T, bool> predicate)`, { bind: (info: BindInfo) => (src: unknown, p: Pred) => single(src, p, true, defaultOf(info)) });
    b.extension('ElementAt', `<T> T(${S}, int index)`, (src: unknown, i: number) => {
      const all = items(src);
      if (i < 0 || i >= all.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
      return all[i];
    });
    b.extension('ElementAtOrDefault', `<T> T(${S}, int index)`, {
      bind: (info: BindInfo) => (src: unknown, i: number) => {
        const all = items(src);
        return i >= 0 && i < all.length ? all[i] : defaultOf(info);
      },
    });
    b.extension('Contains', `<T> bool(${S}, T value)`, (src: unknown, v: unknown) => {
      for (const x of source(src)) if (clrEquals(x, v)) return true;
      return false;
    });
    b.extension('Contains', `<T> bool(${S}, T value, StringComparer comparer)`, (src: unknown, v: unknown, c: StringComparerImpl) => {
      for (const x of source(src)) if (c.key(x) === c.key(v)) return true;
      return false;
    });
    b.extension('OrderBy', `<T, TKey> IOrderedEnumerable<T>(${S}, Func<T, TKey> keySelector)`, (src: unknown, k: Fn1) => new OrderedSequence(src, [{ key: k, descending: false }]));
    b.extension('OrderByDescending', `<T, TKey> IOrderedEnumerable<T>(${S}, Func<T, TKey> keySelector)`, (src: unknown, k: Fn1) => new OrderedSequence(src, [{ key: k, descending: true }]));
    b.extension('ThenBy', '<T, TKey> IOrderedEnumerable<T>(this IOrderedEnumerable<T> source, Func<T, TKey> keySelector)', (src: OrderedSequence, k: Fn1) =>
      new OrderedSequence(src.src, [...src.keys, { key: k, descending: false }]),
    );
    b.extension('ThenByDescending', '<T, TKey> IOrderedEnumerable<T>(this IOrderedEnumerable<T> source, Func<T, TKey> keySelector)', (src: OrderedSequence, k: Fn1) =>
      new OrderedSequence(src.src, [...src.keys, { key: k, descending: true }]),
    );
    b.extension('Reverse', `<T> IEnumerable<T>(${S})`, (src: unknown) => lazy(function* () {
      yield* items(src).slice().reverse();
    }));
    b.extension('ToArray', `<T> T[](${S})`, { bind: (info: BindInfo) => (src: unknown) => arrayFor(info, [...source(src)]) });
    b.extension('ToList', `<T> List<T>(${S})`, (src: unknown) => [...source(src)]);
    b.extension('ToHashSet', `<T> HashSet<T>(${S})`, (src: unknown) => {
      const s = new ClrHashSet();
      for (const x of source(src)) s.add(x);
      return s;
    });
    b.extension('ToDictionary', `<T, TKey> Dictionary<TKey, T>(${S}, Func<T, TKey> keySelector)`, (src: unknown, k: Fn1) => toDictionary(src, k, null, null));
    b.extension('ToDictionary', `<T, TKey, TElement> Dictionary<TKey, TElement>(${S}, Func<T, TKey> keySelector, Func<T, TElement> elementSelector)`, (src: unknown, k: Fn1, e: Fn1) =>
      toDictionary(src, k, e, null),
    );
    b.extension('ToDictionary', `<T, TKey, TElement> Dictionary<TKey, TElement>(${S}, Func<T, TKey> keySelector, Func<T, TElement> elementSelector, StringComparer comparer)`, (src: unknown, k: Fn1, e: Fn1, c: StringComparerImpl) =>
      toDictionary(src, k, e, c),
    );
    b.extension('Distinct', `<T> IEnumerable<T>(${S})`, (src: unknown) => distinctBy(source(src), null));
    b.extension('Distinct', `<T> IEnumerable<T>(${S}, StringComparer comparer)`, (src: unknown, c: StringComparerImpl) => distinctBy(source(src), c));
    b.extension('Skip', `<T> IEnumerable<T>(${S}, int count)`, (src: unknown, n: number) => lazy(function* () {
      let i = 0;
      for (const x of source(src)) if (i++ >= n) yield x;
    }));
    b.extension('Take', `<T> IEnumerable<T>(${S}, int count)`, (src: unknown, n: number) => lazy(function* () {
      if (n <= 0) return;
      let i = 0;
      for (const x of source(src)) {
        yield x;
        if (++i >= n) return;
      }
    }));
    b.extension('SkipWhile', `<T> IEnumerable<T>(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => lazy(function* () {
      let skipping = true;
      for (const x of source(src)) {
        if (skipping && p(x)) continue;
        skipping = false;
        yield x;
      }
    }));
    b.extension('TakeWhile', `<T> IEnumerable<T>(${S}, Func<T, bool> predicate)`, (src: unknown, p: Pred) => lazy(function* () {
      for (const x of source(src)) {
        if (!p(x)) return;
        yield x;
      }
    }));
    b.extension('Concat', `<T> IEnumerable<T>(${S}, IEnumerable<T> second)`, (src: unknown, other: unknown) => lazy(function* () {
      yield* source(src);
      yield* source(other, 'second');
    }));
    b.extension('Append', `<T> IEnumerable<T>(${S}, T element)`, (src: unknown, e: unknown) => lazy(function* () {
      yield* source(src);
      yield e;
    }));
    b.extension('Prepend', `<T> IEnumerable<T>(${S}, T element)`, (src: unknown, e: unknown) => lazy(function* () {
      yield e;
      yield* source(src);
    }));
    b.extension('Union', `<T> IEnumerable<T>(${S}, IEnumerable<T> second)`, (src: unknown, other: unknown) =>
      distinctBy(lazy(function* () {
        yield* source(src);
        yield* source(other, 'second');
      }), null),
    );
    b.extension('Intersect', `<T> IEnumerable<T>(${S}, IEnumerable<T> second)`, (src: unknown, other: unknown) => {
      const keep = new Set([...source(other, 'second')].map(clrHashKey));
      return distinctBy(lazy(function* () {
        for (const x of source(src)) if (keep.has(clrHashKey(x))) yield x;
      }), null);
    });
    b.extension('Except', `<T> IEnumerable<T>(${S}, IEnumerable<T> second)`, (src: unknown, other: unknown) => {
      const drop = new Set([...source(other, 'second')].map(clrHashKey));
      return distinctBy(lazy(function* () {
        for (const x of source(src)) if (!drop.has(clrHashKey(x))) yield x;
      }), null);
    });
    b.extension('SequenceEqual', `<T> bool(${S}, IEnumerable<T> second)`, (src: unknown, other: unknown) => {
      const a = items(src);
      const c = items(other);
      return a.length === c.length && a.every((x, i) => clrEquals(x, c[i]));
    });
    b.extension('GroupBy', `<T, TKey> IEnumerable<IGrouping<TKey, T>>(${S}, Func<T, TKey> keySelector)`, (src: unknown, k: Fn1) => lazy(function* () {
      const groups = new Map<unknown, Grouping>();
      for (const x of source(src)) {
        const key = k(x);
        const h = clrHashKey(key);
        let g = groups.get(h);
        if (!g) {
          g = new Grouping(key, []);
          groups.set(h, g);
        }
        g.elements.push(x);
      }
      yield* groups.values();
    }));
    b.extension('Aggregate', `<T> T(${S}, Func<T, T, T> func)`, (src: unknown, f: (a: unknown, x: unknown) => unknown) => {
      const all = items(src);
      if (!all.length) throw invalidOperation(NO_ELEMENTS);
      return all.slice(1).reduce((acc, x) => f(acc, x), all[0]);
    });
    b.extension('Aggregate', `<T, TAccumulate> TAccumulate(${S}, TAccumulate seed, Func<TAccumulate, T, TAccumulate> func)`, (src: unknown, seed: unknown, f: (a: unknown, x: unknown) => unknown) =>
      items(src).reduce((acc, x) => f(acc, x), seed),
    );
    b.extension('DefaultIfEmpty', `<T> IEnumerable<T>(${S})`, {
      bind: (info: BindInfo) => (src: unknown) => {
        const element = info.returnType.kind === 'named' ? defaultValueOf(info.returnType.args[0]) : null;
        return lazy(function* () {
          let any = false;
          for (const x of source(src)) {
            any = true;
            yield x;
          }
          if (!any) yield element;
        });
      },
    });
    b.extension('Cast', '<TResult> IEnumerable<TResult>(this IEnumerable source)', {
      bind: (info: BindInfo) => {
        const cast = runtimeCast(info.typeArgs[0]);
        return (src: unknown) => mapped(src, cast);
      },
    });
    b.extension('OfType', '<TResult> IEnumerable<TResult>(this IEnumerable source)', {
      bind: (info: BindInfo) => {
        const test = runtimeIs(info.typeArgs[0]);
        return (src: unknown) => lazy(function* () {
          for (const x of source(src)) if (test(x)) yield x;
        });
      },
    });
    b.extension('Zip', `<T, TSecond, TResult> IEnumerable<TResult>(${S}, IEnumerable<TSecond> second, Func<T, TSecond, TResult> resultSelector)`, (src: unknown, other: unknown, f: (a: unknown, c: unknown) => unknown) =>
      lazy(function* () {
        const a = items(src);
        const c = items(other);
        for (let i = 0; i < Math.min(a.length, c.length); i++) yield f(a[i], c[i]);
      }),
    );

    // Numeric aggregates: one overload per element type, as in System.Linq.
    for (const [t, sum] of [
      ['int', sumInt],
      ['long', sumLong],
      ['double', sumDouble],
      ['float', sumDouble],
      ['decimal', sumDouble],
    ] as const) {
      b.extension('Sum', `${t}(this IEnumerable<${t}> source)`, (src: unknown) => sum(source(src)));
      b.extension('Sum', `<T> ${t}(${S}, Func<T, ${t}> selector)`, (src: unknown, f: Fn1) => sum(mapped(src, f)));
      const allowEmpty = false;
      b.extension('Max', `${t}(this IEnumerable<${t}> source)`, (src: unknown) => extreme(source(src), 1, allowEmpty));
      b.extension('Min', `${t}(this IEnumerable<${t}> source)`, (src: unknown) => extreme(source(src), -1, allowEmpty));
      b.extension('Max', `<T> ${t}(${S}, Func<T, ${t}> selector)`, (src: unknown, f: Fn1) => extreme(mapped(src, f), 1, allowEmpty));
      b.extension('Min', `<T> ${t}(${S}, Func<T, ${t}> selector)`, (src: unknown, f: Fn1) => extreme(mapped(src, f), -1, allowEmpty));
      const avg = t === 'float' ? 'float' : t === 'decimal' ? 'decimal' : 'double';
      b.extension('Average', `${avg}(this IEnumerable<${t}> source)`, (src: unknown) => average(source(src)));
      b.extension('Average', `<T> ${avg}(${S}, Func<T, ${t}> selector)`, (src: unknown, f: Fn1) => average(mapped(src, f)));
    }
    b.extension('Max', `<T> T(${S})`, { bind: (info: BindInfo) => (src: unknown) => extreme(source(src), 1, isReferenceLike(info)) });
    b.extension('Min', `<T> T(${S})`, { bind: (info: BindInfo) => (src: unknown) => extreme(source(src), -1, isReferenceLike(info)) });
    b.extension('Max', `<T, TResult> TResult(${S}, Func<T, TResult> selector)`, { bind: (info: BindInfo) => (src: unknown, f: Fn1) => extreme(mapped(src, f), 1, isReferenceLike(info)) });
    b.extension('Min', `<T, TResult> TResult(${S}, Func<T, TResult> selector)`, { bind: (info: BindInfo) => (src: unknown, f: Fn1) => extreme(mapped(src, f), -1, isReferenceLike(info)) });

    b.staticMethod('Range', 'IEnumerable<int>(int start, int count)', (start: number, count: number) => {
      if (count < 0 || start + count - 1 > INT_MAX) throw argumentOutOfRange('count');
      return lazy(function* () {
        for (let i = 0; i < count; i++) yield start + i;
      });
    });
    b.staticMethod('Repeat', '<TResult> IEnumerable<TResult>(TResult element, int count)', (e: unknown, count: number) => {
      if (count < 0) throw argumentOutOfRange('count');
      return lazy(function* () {
        for (let i = 0; i < count; i++) yield e;
      });
    });
    b.staticMethod('Empty', '<TResult> IEnumerable<TResult>()', () => []);
  },
});
