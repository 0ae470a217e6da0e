/**
 * Core System types: object, Nullable<T>, delegates, the collection interfaces, arrays
 * (System.Array and the internal generic view carrying `Length`), culture placeholders
 * and the small enums other members take.
 */
import { defineType } from '../types/registry.js';
import { defaultValueOf } from '../types/conversions.js';
import { argumentNull, argumentOutOfRange, invalidOperation, nullReference } from './exceptions.js';
import { enumerate, isEnumerable, toArray } from './enumerable.js';
import { CLR_TYPE, clrEquals, clrGetHashCode, clrToString } from './object.js';

defineType({
  name: 'Object',
  namespace: 'System',
  keyword: 'object',
  isInstance: (v) => v !== null && v !== undefined,
  members: (b) => {
    b.method('ToString', 'string()', (v: unknown) => clrToString(v));
    b.method('Equals', 'bool(object obj)', (a: unknown, o: unknown) => clrEquals(a, o));
    b.method('GetHashCode', 'int()', (v: unknown) => clrGetHashCode(v));
    b.staticMethod('Equals', 'bool(object objA, object objB)', (a: unknown, o: unknown) => clrEquals(a, o));
    b.staticMethod('ReferenceEquals', 'bool(object objA, object objB)', (a: unknown, o: unknown) => a === o);
    b.ctor('()', () => ({}));
  },
});

defineType({
  name: 'Nullable',
  namespace: 'System',
  typeParams: ['T'],
  valueType: true,
  isInstance: () => true,
  members: (b) => {
    b.prop('HasValue', 'bool', (v: unknown) => v !== null && v !== undefined);
    b.prop('Value', 'T', (v: unknown) => {
      if (v === null || v === undefined) throw invalidOperation('Nullable object must have a value.');
      return v;
    });
    b.method('GetValueOrDefault', 'T(T defaultValue)', (v: unknown, d: unknown) => v ?? d);
    b.method('GetValueOrDefault', 'T()', { bind: (info) => (v: unknown) => v ?? defaultValueOf(info.returnType) });
    b.method('ToString', 'string()', (v: unknown) => (v === null || v === undefined ? '' : clrToString(v)));
  },
});

// Delegate types: Func<…, TResult>, Action<…>, Predicate<T>, Comparison<T>.
const isFunction = (v: unknown): boolean => typeof v === 'function';
for (let n = 0; n <= 6; n++) {
  const inputs = n === 1 ? ['T'] : Array.from({ length: n }, (_, i) => `T${i + 1}`);
  defineType({ name: 'Func', namespace: 'System', typeParams: [...inputs, 'TResult'], isInstance: isFunction });
  if (n <= 4) defineType({ name: 'Action', namespace: 'System', typeParams: inputs, isInstance: isFunction });
}
defineType({ name: 'Predicate', namespace: 'System', typeParams: ['T'], isInstance: isFunction });
defineType({ name: 'Comparison', namespace: 'System', typeParams: ['T'], isInstance: isFunction });

/** Count of any run-time collection representation. */
export function collectionCount(v: unknown): number {
  if (v === null || v === undefined) throw nullReference();
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (v instanceof Set || v instanceof Map) return v.size;
  const counted = v as { count?: unknown };
  if (typeof counted.count === 'number') return counted.count;
  return toArray(v).length;
}

defineType({
  name: 'IEnumerable',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  interface: true,
  bases: ['IEnumerable'],
  isInstance: isEnumerable,
});
defineType({
  name: 'IEnumerable',
  namespace: 'System.Collections',
  interface: true,
  isInstance: isEnumerable,
});
defineType({
  name: 'IReadOnlyCollection',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  interface: true,
  bases: ['IEnumerable<T>'],
  isInstance: isEnumerable,
  members: (b) => b.prop('Count', 'int', collectionCount),
});
defineType({
  name: 'IReadOnlyList',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  interface: true,
  bases: ['IReadOnlyCollection<T>'],
  isInstance: Array.isArray,
  members: (b) => b.indexer('T(int index)', listGet),
});
defineType({
  name: 'ICollection',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  interface: true,
  bases: ['IEnumerable<T>'],
  isInstance: (v) => Array.isArray(v) || v instanceof Set,
  members: (b) => {
    b.prop('Count', 'int', collectionCount);
    b.method('Contains', 'bool(T item)', (c: unknown, x: unknown) => [...enumerate(c)].some((y) => clrEquals(y, x)));
  },
});
defineType({
  name: 'IList',
  namespace: 'System.Collections.Generic',
  typeParams: ['T'],
  interface: true,
  bases: ['ICollection<T>'],
  isInstance: Array.isArray,
  members: (b) => {
    b.indexer('T(int index)', listGet, listSet);
    b.method('Add', 'void(T item)', (l: unknown[], x: unknown) => void l.push(x));
    b.method('IndexOf', 'int(T item)', (l: unknown[], x: unknown) => l.findIndex((y) => clrEquals(y, x)));
  },
});

export function listGet(l: ArrayLike<unknown>, i: number): unknown {
  if (i < 0 || i >= l.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
  return l[i];
}
export function listSet(l: unknown[], i: number, v: unknown): void {
  if (i < 0 || i >= l.length) throw argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');
  l[i] = v;
}

function arrayOrThrow(v: unknown, param: string): unknown[] | Uint8Array {
  if (v === null || v === undefined) throw argumentNull(param);
  return v as unknown[] | Uint8Array;
}

function copy(src: unknown, srcIndex: number, dst: unknown, dstIndex: number, length: number): void {
  const s = arrayOrThrow(src, 'sourceArray');
  const d = arrayOrThrow(dst, 'destinationArray');
  if (srcIndex < 0 || dstIndex < 0 || length < 0 || srcIndex + length > s.length || dstIndex + length > d.length) {
    throw argumentOutOfRange('length', 'Source array was not long enough. Check the source index, length, and the array\'s lower bounds.');
  }
  const slice = Array.from(s).slice(srcIndex, srcIndex + length);
  for (let i = 0; i < length; i++) (d as unknown[])[dstIndex + i] = slice[i];
}

defineType({
  name: 'Array',
  namespace: 'System',
  isInstance: (v) => Array.isArray(v) || v instanceof Uint8Array,
  members: (b) => {
    b.staticMethod('Copy', 'void(Array sourceArray, Array destinationArray, int length)', (s: unknown, d: unknown, n: number) => copy(s, 0, d, 0, n));
    b.staticMethod('Copy', 'void(Array sourceArray, int sourceIndex, Array destinationArray, int destinationIndex, int length)', copy);
    b.staticMethod('Exists', '<T> bool(T[] array, Predicate<T> match)', (a: unknown[], p: (x: unknown) => boolean) => Array.from(arrayOrThrow(a, 'array')).some((x) => p(x)));
    b.staticMethod('TrueForAll', '<T> bool(T[] array, Predicate<T> match)', (a: unknown[], p: (x: unknown) => boolean) => Array.from(arrayOrThrow(a, 'array')).every((x) => p(x)));
    b.staticMethod('Find', '<T> T(T[] array, Predicate<T> match)', (a: unknown[], p: (x: unknown) => boolean) => Array.from(arrayOrThrow(a, 'array')).find((x) => p(x)) ?? null);
    b.staticMethod('FindAll', '<T> T[](T[] array, Predicate<T> match)', (a: unknown[], p: (x: unknown) => boolean) => Array.from(arrayOrThrow(a, 'array')).filter((x) => p(x)));
    b.staticMethod('FindIndex', '<T> int(T[] array, Predicate<T> match)', (a: unknown[], p: (x: unknown) => boolean) => Array.from(arrayOrThrow(a, 'array')).findIndex((x) => p(x)));
    b.staticMethod('IndexOf', '<T> int(T[] array, T value)', (a: unknown[], v: unknown) => Array.from(arrayOrThrow(a, 'array')).findIndex((x) => clrEquals(x, v)));
    b.staticMethod('Reverse', 'void(Array array)', (a: unknown[]) => void arrayOrThrow(a, 'array').reverse());
    b.staticMethod('Sort', '<T> void(T[] array)', (a: unknown[]) => void (arrayOrThrow(a, 'array') as unknown[]).sort(defaultCompare));
    b.staticMethod('Empty', '<T> T[]()', () => []);
    b.staticMethod('Clear', 'void(Array array, int index, int length)', (a: unknown[], i: number, n: number) => {
      const arr = arrayOrThrow(a, 'array');
      for (let k = i; k < i + n; k++) (arr as unknown[])[k] = arr instanceof Uint8Array ? 0 : null;
    });
  },
});

/** Comparer<T>.Default for the primitive run-time representations. */
export function defaultCompare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const comparable = a as { compareTo?: (o: unknown) => number };
  if (typeof comparable.compareTo === 'function') return comparable.compareTo(b);
  return clrToString(a).localeCompare(clrToString(b));
}

/** The generic view of `T[]` that gives arrays their members and IEnumerable<T> identity. */
defineType({
  name: 'ArrayOf',
  namespace: 'Portico.Internal',
  typeParams: ['T'],
  bases: ['Array', 'IEnumerable<T>'],
  isInstance: (v) => Array.isArray(v) || v instanceof Uint8Array,
  members: (b) => {
    b.prop('Length', 'int', (a: ArrayLike<unknown>) => a.length);
    b.prop('LongLength', 'long', (a: ArrayLike<unknown>) => BigInt(a.length));
    b.prop('Rank', 'int', () => 1);
    b.method('Clone', 'object()', (a: unknown[] | Uint8Array) => a.slice());
    b.method('CopyTo', 'void(Array array, int index)', (a: unknown[], d: unknown, i: number) => copy(a, 0, d, i, a.length));
  },
});

class CultureInfo {
  readonly [CLR_TYPE] = 'System.Globalization.CultureInfo';
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}
const invariantCulture = new CultureInfo('');

defineType({ name: 'IFormatProvider', namespace: 'System', interface: true, isInstance: (v) => v instanceof CultureInfo });
defineType({
  name: 'CultureInfo',
  namespace: 'System.Globalization',
  bases: ['IFormatProvider'],
  isInstance: (v) => v instanceof CultureInfo,
  members: (b) => {
    b.staticProp('InvariantCulture', 'CultureInfo', () => invariantCulture);
    b.staticProp('CurrentCulture', 'CultureInfo', () => invariantCulture);
    b.staticProp('CurrentUICulture', 'CultureInfo', () => invariantCulture);
    b.staticMethod('GetCultureInfo', 'CultureInfo(string name)', (n: string) => new CultureInfo(n));
    b.ctor('(string name)', (n: string) => new CultureInfo(n));
    b.prop('Name', 'string', (c: CultureInfo) => c.name);
  },
});

const ENUMS: Record<string, { ns: string; values: Record<string, number> }> = {
  StringComparison: {
    ns: 'System',
    values: { CurrentCulture: 0, CurrentCultureIgnoreCase: 1, InvariantCulture: 2, InvariantCultureIgnoreCase: 3, Ordinal: 4, OrdinalIgnoreCase: 5 },
  },
  StringSplitOptions: { ns: 'System', values: { None: 0, RemoveEmptyEntries: 1, TrimEntries: 2 } },
  MidpointRounding: { ns: 'System', values: { ToEven: 0, AwayFromZero: 1, ToZero: 2, ToNegativeInfinity: 3, ToPositiveInfinity: 4 } },
  DateTimeKind: { ns: 'System', values: { Unspecified: 0, Utc: 1, Local: 2 } },
  DayOfWeek: { ns: 'System', values: { Sunday: 0, Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6 } },
  UriKind: { ns: 'System', values: { RelativeOrAbsolute: 0, Absolute: 1, Relative: 2 } },
  Base64FormattingOptions: { ns: 'System', values: { None: 0, InsertLineBreaks: 1 } },
  DateTimeStyles: {
    ns: 'System.Globalization',
    values: { None: 0, AllowLeadingWhite: 1, AllowTrailingWhite: 2, AllowWhiteSpaces: 7, AdjustToUniversal: 16, AssumeLocal: 32, AssumeUniversal: 64, RoundtripKind: 128 },
  },
  NumberStyles: {
    ns: 'System.Globalization',
    values: { None: 0, Integer: 7, Number: 111, Float: 167, Currency: 383, Any: 511, AllowHexSpecifier: 512, HexNumber: 515 },
  },
};
for (const [name, { ns, values }] of Object.entries(ENUMS)) {
  defineType({ name, namespace: ns, enumValues: values, isInstance: (v) => typeof v === 'number' });
}
