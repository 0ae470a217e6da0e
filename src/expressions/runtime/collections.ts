/**
 * System.Collections.Generic: List<T> (a JS array at run time), Dictionary<TKey, TValue>,
 * HashSet<T>, KeyValuePair<TKey, TValue> and the dictionary interfaces. Dictionaries keep
 * insertion order and honour a StringComparer (OrdinalIgnoreCase is common for headers).
 */
import type { BindInfo } from '../types/model.js';
import { defineType, type MemberBuilder } from '../types/registry.js';
import { argumentError, argumentNull, argumentOutOfRange, keyNotFound } from './exceptions.js';
import { enumerate } from './enumerable.js';
import { CLR_TYPE, clrEquals, clrHashKey, clrToString } from './object.js';
import { StringComparerImpl } from './string.js';
import { defaultCompare, listGet, listSet } from './system-types.js';

interface OutCell {
  value: unknown;
}

export class KeyValuePair {
  readonly [CLR_TYPE] = 'System.Collections.Generic.KeyValuePair';
  constructor(
    readonly key: unknown,
    readonly value: unknown,
  ) {}
  toString(): string {
    return `[${clrToString(this.key)}, ${clrToString(this.value)}]`;
  }
  equals(o: unknown): boolean {
    return o instanceof KeyValuePair && clrEquals(this.key, o.key) && clrEquals(this.value, o.value);
  }
}

/** Dictionary<TKey, TValue> at run time. */
export class ClrDictionary implements Iterable<KeyValuePair> {
  readonly [CLR_TYPE] = 'System.Collections.Generic.Dictionary';
  private readonly entries = new Map<unknown, KeyValuePair>();

  constructor(readonly comparer: StringComparerImpl | null = null) {}

  private norm(key: unknown): unknown {
    if (key === null || key === undefined) throw argumentNull('key');
    return this.comparer ? this.comparer.key(key) : clrHashKey(key);
  }
  get count(): number {
    return this.entries.size;
  }
  has(key: unknown): boolean {
    return this.entries.has(this.norm(key));
  }
  get(key: unknown): unknown {
    const e = this.entries.get(this.norm(key));
    if (!e) throw keyNotFound(key);
    return e.value;
  }
  tryGet(key: unknown): { found: boolean; value: unknown } {
    const e = this.entries.get(this.norm(key));
    return e ? { found: true, value: e.value } : { found: false, value: null };
  }
  set(key: unknown, value: unknown): void {
    const k = this.norm(key);
    const prev = this.entries.get(k);
    this.entries.set(k, new KeyValuePair(prev ? prev.key : key, value));
  }
  add(key: unknown, value: unknown): void {
    const k = this.norm(key);
    if (this.entries.has(k)) throw argumentError(`An item with the same key has already been added. Key: ${clrToString(key)}`);
    this.entries.set(k, new KeyValuePair(key, value));
  }
  remove(key: unknown): boolean {
    return this.entries.delete(this.norm(key));
  }
  clear(): void {
    this.entries.clear();
  }
  keys(): unknown[] {
    return [...this.entries.values()].map((e) => e.key);
  }
  values(): unknown[] {
    return [...this.entries.values()].map((e) => e.value);
  }
  [Symbol.iterator](): Iterator<KeyValuePair> {
    return this.entries.values();
  }
  toString(): string {
    return 'System.Collections.Generic.Dictionary`2';
  }
}

/** HashSet<T> at run time. */
export class ClrHashSet implements Iterable<unknown> {
  readonly [CLR_TYPE] = 'System.Collections.Generic.HashSet';
  private readonly items = new Map<unknown, unknown>();
  constructor(readonly comparer: StringComparerImpl | null = null) {}
  private norm(v: unknown): unknown {
    return this.comparer ? this.comparer.key(v) : clrHashKey(v);
  }
  get count(): number {
    return this.items.size;
  }
  add(v: unknown): boolean {
    const k = this.norm(v);
    if (this.items.has(k)) return false;
    this.items.set(k, v);
    return true;
  }
  has(v: unknown): boolean {
    return this.items.has(this.norm(v));
  }
  remove(v: unknown): boolean {
    return this.items.delete(this.norm(v));
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.items.values();
  }
  toString(): string {
    return 'System.Collections.Generic.HashSet`1';
  }
}

function dict(d: unknown): ClrDictionary {
  return d as ClrDictionary;
}

function tryGetValue(d: ClrDictionary, key: unknown, out: OutCell): boolean {
  const r = d.tryGet(key);
  out.value = r.value;
  return r.found;
}

/** The ToArray()/new T[] representation for an element type (byte[] is a Uint8Array). */
export function arrayFor(info: BindInfo, items: unknown[]): unknown {
  const rt = info.returnType;
  if (rt.kind === 'array' && rt.element.kind === 'primitive' && rt.element.name === 'byte') return Uint8Array.from(items as number[]);
  return items;
}

function dictionaryMembers(readOnly: boolean): (b: MemberBuilder) => void {
  return (b) => {
    b.prop('Count', 'int', (d: ClrDictionary) => d.count);
    b.prop('Keys', 'IEnumerable<TKey>', (d: ClrDictionary) => d.keys());
    b.prop('Values', 'IEnumerable<TValue>', (d: ClrDictionary) => d.values());
    b.indexer('TValue(TKey key)', (d: ClrDictionary, k: unknown) => d.get(k), readOnly ? undefined : (d: ClrDictionary, k: unknown, v: unknown) => d.set(k, v));
    b.method('ContainsKey', 'bool(TKey key)', (d: ClrDictionary, k: unknown) => d.has(k));
    b.method('TryGetValue', 'bool(TKey key, out TValue value)', tryGetValue);
    b.method('GetValueOrDefault', 'TValue(TKey key)', (d: ClrDictionary, k: unknown) => d.tryGet(k).value);
    b.method('GetValueOrDefault', 'TValue(TKey key, TValue defaultValue)', (d: ClrDictionary, k: unknown, dv: unknown) => {
      const r = d.tryGet(k);
      return r.found ? r.value : dv;
    });
    if (!readOnly) {
      b.method('Add', 'void(TKey key, TValue value)', (d: ClrDictionary, k: unknown, v: unknown) => d.add(k, v));
      b.method('Remove', 'bool(TKey key)', (d: ClrDictionary, k: unknown) => d.remove(k));
    }
  };
}

defineType({
  name: 'KeyValuePair',
  namespace: 'System.Collections.Generic',
  typeParams: ['TKey', 'TValue'],
  valueType: true,
  isInstance: (v) => v instanceof KeyValuePair,
  members: (b) => {
    b.ctor('(TKey key, TValue value)', (k: unknown, v: unknown) => new KeyValuePair(k, v));
    b.prop('Key', 'TKey', (p: KeyValuePair) => p.key);
    b.prop('Value', 'TValue', (p: KeyValuePair) => p.value);
    b.method('ToString', 'string()', (p: KeyValuePair) => p.toString());
  },
});

defineType({
  name: 'IReadOnlyDictionary',
  namespace: 'System.Collections.Generic',
  typeParams: ['TKey', 'TValue'],
  interface: true,
  bases: ['IEnumerable<KeyValuePair<TKey, TValue>>'],
  isInstance: (v) => v instanceof ClrDictionary,
  members: dictionaryMembers(true),
});

defineType({
  name: 'IDictionary',
  namespace: 'System.Collections.Generic',
  typeParams: ['TKey', 'TValue'],
  interface: true,
  bases: ['IEnumerable<KeyValuePair<TKey, TValue>>'],
  isInstance: (v) => v instanceof ClrDictionary,
  members: dictionaryMembers(false),
});

defineType({
  name: 'Dictionary',
  namespace: 'System.Collections.Generic',
  typeParams: ['TKey', 'TValue'],
  bases: ['IDictionary<TKey, TValue>', 'IReadOnlyDictionary<TKey, TValue>'],
  isInstance: (v) => v instanceof ClrDictionary,
  members: (b) => {
    b.ctor('()', () => new ClrDictionary());
    b.ctor('(int capacity)', () => new ClrDictionary());
    b.ctor('(StringComparer comparer)', (c: StringComparerImpl | null) => new ClrDictionary(c));
    b.ctor('(IDictionary<TKey, TValue> dictionary)', (src: ClrDictionary) => {
      const d = new ClrDictionary(src.comparer);
      for (const e of src) d.add(e.key, e.value);
      return d;
    });
    b.ctor('(IDictionary<TKey, TValue> dictionary, StringComparer comparer)', (src: ClrDictionary, c: StringComparerImpl | null) => {
      const d = new ClrDictionary(c);
      for (const e of src) d.add(e.key, e.value);
      return d;
    });
    b.method('TryAdd', 'bool(TKey key, TValue value)', (d: ClrDictionary, k: unknown, v: unknown) => {
      if (d.has(k)) return false;
      d.add(k, v);
      return true;
    });
    b.method('ContainsValue', 'bool(TValue value)', (d: ClrDictionary, v: unknown) => d.values().some((x) => clrEquals(x, v)));
    b.method('Clear', 'void()', (d: ClrDictionary) => dict(d).clear());
  },
});

function removeAll(l: unknown[], pred: (x: unknown) => boolean): number {
  let removed = 0;
  for (let i = l.length - 1; i >= 0; i--) {
    if (pred(l[i])) {
      l.splice(i, 1);
      removed++;
    }
  }
  return removed;
}

defineType({
  name: 'List',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  bases: ['IList<T>', 'IReadOnlyList<T>'],
  isInstance: Array.isArray,
  members: (b) => {
    b.ctor('()', () => []);
    b.ctor('(int capacity)', (n: number) => {
      if (n < 0) throw argumentOutOfRange('capacity', 'Non-negative number required.');
      return [];
    });
    b.ctor('(IEnumerable<T> collection)', (src: unknown) => {
      if (src === null || src === undefined) throw argumentNull('collection');
      return [...enumerate(src)];
    });
    b.prop('Count', 'int', (l: unknown[]) => l.length);
    b.indexer('T(int index)', listGet, listSet);
    b.method('Add', 'void(T item)', (l: unknown[], x: unknown) => void l.push(x));
    b.method('AddRange', 'void(IEnumerable<T> collection)', (l: unknown[], src: unknown) => {
      if (src === null || src === undefined) throw argumentNull('collection');
      l.push(...enumerate(src));
    });
    b.method('Insert', 'void(int index, T item)', (l: unknown[], i: number, x: unknown) => {
      if (i < 0 || i > l.length) throw argumentOutOfRange('index', 'Index must be within the bounds of the List.');
      l.splice(i, 0, x);
    });
    b.method('Remove', 'bool(T item)', (l: unknown[], x: unknown) => {
      const i = l.findIndex((y) => clrEquals(y, x));
      if (i < 0) return false;
      l.splice(i, 1);
      return true;
    });
    b.method('RemoveAt', 'void(int index)', (l: unknown[], i: number) => {
      if (i < 0 || i >= l.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
      l.splice(i, 1);
    });
    b.method('RemoveAll', 'int(Predicate<T> match)', removeAll);
    b.method('RemoveRange', 'void(int index, int count)', (l: unknown[], i: number, n: number) => void l.splice(i, n));
    b.method('Clear', 'void()', (l: unknown[]) => {
      l.length = 0;
    });
    b.method('Contains', 'bool(T item)', (l: unknown[], x: unknown) => l.some((y) => clrEquals(y, x)));
    b.method('IndexOf', 'int(T item)', (l: unknown[], x: unknown) => l.findIndex((y) => clrEquals(y, x)));
    b.method('LastIndexOf', 'int(T item)', (l: unknown[], x: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (clrEquals(l[i], x)) return i;
      return -1;
    });
    b.method('Find', 'T(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => l.find((x) => p(x)) ?? null);
    b.method('FindAll', 'List<T>(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => l.filter((x) => p(x)));
    b.method('FindIndex', 'int(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => l.findIndex((x) => p(x)));
    b.method('FindLast', 'T(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => [...l].reverse().find((x) => p(x)) ?? null);
    b.method('Exists', 'bool(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => l.some((x) => p(x)));
    b.method('TrueForAll', 'bool(Predicate<T> match)', (l: unknown[], p: (x: unknown) => boolean) => l.every((x) => p(x)));
    b.method('ForEach', 'void(Action<T> action)', (l: unknown[], a: (x: unknown) => void) => [...l].forEach((x) => a(x)));
    b.method('Sort', 'void()', (l: unknown[]) => void l.sort(defaultCompare));
    b.method('Sort', 'void(Comparison<T> comparison)', (l: unknown[], cmp: (x: unknown, y: unknown) => number) => void l.sort((x, y) => cmp(x, y)));
    b.method('Reverse', 'void()', (l: unknown[]) => void l.reverse());
    b.method('GetRange', 'List<T>(int index, int count)', (l: unknown[], i: number, n: number) => {
      if (i < 0 || n < 0 || i + n > l.length) throw argumentError('Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.');
      return l.slice(i, i + n);
    });
    b.method('ToArray', 'T[]()', { bind: (info: BindInfo) => (l: unknown[]) => arrayFor(info, [...l]) });
    b.method('ConvertAll', '<TOutput> List<TOutput>(Func<T, TOutput> converter)', (l: unknown[], f: (x: unknown) => unknown) => l.map((x) => f(x)));
  },
});

defineType({
  name: 'HashSet',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  bases: ['ICollection<T>'],
  isInstance: (v) => v instanceof ClrHashSet,
  members: (b) => {
    b.ctor('()', () => new ClrHashSet());
    b.ctor('(StringComparer comparer)', (c: StringComparerImpl | null) => new ClrHashSet(c));
    b.ctor('(IEnumerable<T> collection)', (src: unknown) => {
      const s = new ClrHashSet();
      for (const x of enumerate(src)) s.add(x);
      return s;
    });
    b.ctor('(IEnumerable<T> collection, StringComparer comparer)', (src: unknown, c: StringComparerImpl | null) => {
      const s = new ClrHashSet(c);
      for (const x of enumerate(src)) s.add(x);
      return s;
    });
    b.prop('Count', 'int', (s: ClrHashSet) => s.count);
    b.method('Add', 'bool(T item)', (s: ClrHashSet, x: unknown) => s.add(x));
    b.method('Contains', 'bool(T item)', (s: ClrHashSet, x: unknown) => s.has(x));
    b.method('Remove', 'bool(T item)', (s: ClrHashSet, x: unknown) => s.remove(x));
    b.method('UnionWith', 'void(IEnumerable<T> other)', (s: ClrHashSet, o: unknown) => {
      for (const x of enumerate(o)) s.add(x);
    });
  },
});
