/**
 * System.String, System.Char, System.Text.StringBuilder and StringComparer. Comparisons are
 * ordinal; the culture-sensitive overloads behave like the invariant culture, which is what
 * policy code almost always means (header names, tokens, paths).
 */
import { defineType } from '../types/registry.js';
import { argumentError, argumentNull, argumentOutOfRange, formatError } from './exceptions.js';
import { enumerate } from './enumerable.js';
import { CLR_TYPE, clrToString } from './object.js';
import { compositeFormat } from './composite-format.js';

const StringComparison = { CurrentCultureIgnoreCase: 1, InvariantCultureIgnoreCase: 3, OrdinalIgnoreCase: 5 } as const;

export function ignoresCase(comparison: number): boolean {
  return comparison === StringComparison.CurrentCultureIgnoreCase || comparison === StringComparison.InvariantCultureIgnoreCase || comparison === StringComparison.OrdinalIgnoreCase;
}

function fold(s: string, comparison: number): string {
  return ignoresCase(comparison) ? s.toUpperCase() : s;
}

function arg(v: string | null, name: string): string {
  if (v === null || v === undefined) throw argumentNull(name);
  return v;
}

/** .NET's char.IsWhiteSpace set (Unicode White_Space). */
const WHITESPACE = /[\s\u0085]/;

export function isWhiteSpace(c: string): boolean {
  return WHITESPACE.test(c);
}

function trimChars(s: string, chars: readonly string[] | null, start: boolean, end: boolean): string {
  const set = chars && chars.length ? new Set(chars) : undefined;
  const test = (c: string): boolean => (set ? set.has(c) : isWhiteSpace(c));
  let i = 0;
  let j = s.length;
  if (start) while (i < j && test(s[i])) i++;
  if (end) while (j > i && test(s[j - 1])) j--;
  return s.slice(i, j);
}

const SplitOptions = { RemoveEmptyEntries: 1, TrimEntries: 2 } as const;

/** String.Split over a set of separators with .NET's options and count. */
export function split(s: string, separators: readonly string[] | null, count: number, options: number): string[] {
  if (count < 0) throw argumentOutOfRange('count', 'Count cannot be less than zero.');
  const seps = (separators ?? []).filter((x) => x !== null && x !== '');
  let parts: string[] = [];
  if (seps.length === 0) {
    // No separator: split on whitespace, as .NET does for Split() / Split(null).
    let cur = '';
    for (const ch of s) {
      if (isWhiteSpace(ch)) {
        parts.push(cur);
        cur = '';
      } else cur += ch;
    }
    parts.push(cur);
  } else {
    let i = 0;
    let last = 0;
    outer: while (i < s.length) {
      for (const sep of seps) {
        if (s.startsWith(sep, i)) {
          parts.push(s.slice(last, i));
          i += sep.length;
          last = i;
          continue outer;
        }
      }
      i++;
    }
    parts.push(s.slice(last));
  }
  if (options & SplitOptions.TrimEntries) parts = parts.map((p) => trimChars(p, null, true, true));
  if (options & SplitOptions.RemoveEmptyEntries) parts = parts.filter((p) => p !== '');
  if (count === 0) return [];
  if (parts.length > count) {
    // The last element holds the unsplit remainder; rebuild it from the original text.
    const head = parts.slice(0, count - 1);
    let consumed = 0;
    let found = 0;
    for (let i = 0; i < s.length && found < count - 1; ) {
      const sep = seps.find((x) => s.startsWith(x, i));
      if (sep) {
        found++;
        i += sep.length;
        consumed = i;
      } else i++;
    }
    let rest = s.slice(consumed);
    if (options & SplitOptions.TrimEntries) rest = rest.trim();
    return [...head, rest];
  }
  return parts;
}

function indexOf(s: string, value: string, start: number, comparison: number): number {
  if (start < 0 || start > s.length) throw argumentOutOfRange('startIndex', 'Index was out of range. Must be non-negative and less than or equal to the size of the collection.');
  return fold(s, comparison).indexOf(fold(value, comparison), start);
}

function substring(s: string, start: number, length?: number): string {
  const len = length ?? s.length - start;
  if (start < 0 || start > s.length) throw argumentOutOfRange('startIndex', 'startIndex cannot be larger than length of string.');
  if (len < 0 || start + len > s.length) throw argumentOutOfRange('length', 'Index and length must refer to a location within the string.');
  return s.substring(start, start + len);
}

function replace(s: string, oldValue: string, newValue: string | null): string {
  if (oldValue === null) throw argumentNull('oldValue');
  if (oldValue === '') throw argumentError('String cannot be of zero length.', 'oldValue');
  return s.split(oldValue).join(newValue ?? '');
}

function compare(a: string | null, b: string | null, comparison: number): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = fold(a, comparison);
  const y = fold(b, comparison);
  return x < y ? -1 : x > y ? 1 : 0;
}

function join(sep: string | null, values: Iterable<unknown> | null): string {
  if (values === null || values === undefined) throw argumentNull('values');
  return [...enumerate(values)].map((v) => clrToString(v)).join(sep ?? '');
}

function pad(s: string, width: number, ch: string, left: boolean): string {
  if (width < 0) throw argumentOutOfRange('totalWidth', 'Non-negative number required.');
  return left ? s.padStart(width, ch) : s.padEnd(width, ch);
}

defineType({
  name: 'String',
  namespace: 'System',
  keyword: 'string',
  bases: ['IEnumerable<char>'],
  isInstance: (v) => typeof v === 'string',
  members: (b) => {
    b.prop('Length', 'int', (s: string) => s.length);
    b.method('Substring', 'string(int startIndex)', (s: string, i: number) => substring(s, i));
    b.method('Substring', 'string(int startIndex, int length)', substring);
    b.method('Contains', 'bool(string value)', (s: string, v: string) => s.includes(arg(v, 'value')));
    b.method('Contains', 'bool(char value)', (s: string, v: string) => s.includes(v));
    b.method('Contains', 'bool(string value, StringComparison comparisonType)', (s: string, v: string, c: number) => fold(s, c).includes(fold(arg(v, 'value'), c)));
    for (const [name, test] of [
      ['StartsWith', (s: string, v: string) => s.startsWith(v)],
      ['EndsWith', (s: string, v: string) => s.endsWith(v)],
    ] as const) {
      b.method(name, 'bool(string value)', (s: string, v: string) => test(s, arg(v, 'value')));
      b.method(name, 'bool(char value)', (s: string, v: string) => test(s, v));
      b.method(name, 'bool(string value, StringComparison comparisonType)', (s: string, v: string, c: number) => test(fold(s, c), fold(arg(v, 'value'), c)));
      b.method(name, 'bool(string value, bool ignoreCase, CultureInfo culture)', (s: string, v: string, ic: boolean) => test(fold(s, ic ? 5 : 4), fold(arg(v, 'value'), ic ? 5 : 4)));
    }
    b.method('IndexOf', 'int(string value)', (s: string, v: string) => indexOf(s, arg(v, 'value'), 0, 4));
    b.method('IndexOf', 'int(char value)', (s: string, v: string) => s.indexOf(v));
    b.method('IndexOf', 'int(string value, int startIndex)', (s: string, v: string, i: number) => indexOf(s, arg(v, 'value'), i, 4));
    b.method('IndexOf', 'int(char value, int startIndex)', (s: string, v: string, i: number) => indexOf(s, v, i, 4));
    b.method('IndexOf', 'int(string value, StringComparison comparisonType)', (s: string, v: string, c: number) => indexOf(s, arg(v, 'value'), 0, c));
    b.method('IndexOf', 'int(string value, int startIndex, StringComparison comparisonType)', (s: string, v: string, i: number, c: number) => indexOf(s, arg(v, 'value'), i, c));
    b.method('IndexOf', 'int(string value, int startIndex, int count)', (s: string, v: string, i: number, n: number) => {
      const r = indexOf(s.slice(0, i + n), arg(v, 'value'), i, 4);
      return r;
    });
    b.method('LastIndexOf', 'int(string value)', (s: string, v: string) => s.lastIndexOf(arg(v, 'value')));
    b.method('LastIndexOf', 'int(char value)', (s: string, v: string) => s.lastIndexOf(v));
    b.method('LastIndexOf', 'int(string value, StringComparison comparisonType)', (s: string, v: string, c: number) => fold(s, c).lastIndexOf(fold(arg(v, 'value'), c)));
    b.method('IndexOfAny', 'int(char[] anyOf)', (s: string, cs: string[]) => {
      for (let i = 0; i < s.length; i++) if (cs.includes(s[i])) return i;
      return -1;
    });
    b.method('ToLower', 'string()', (s: string) => s.toLowerCase());
    b.method('ToUpper', 'string()', (s: string) => s.toUpperCase());
    b.method('ToLower', 'string(CultureInfo culture)', (s: string) => s.toLowerCase());
    b.method('ToUpper', 'string(CultureInfo culture)', (s: string) => s.toUpperCase());
    b.method('ToLowerInvariant', 'string()', (s: string) => s.toLowerCase());
    b.method('ToUpperInvariant', 'string()', (s: string) => s.toUpperCase());
    b.method('Replace', 'string(string oldValue, string newValue)', replace);
    b.method('Replace', 'string(char oldChar, char newChar)', (s: string, a: string, c: string) => s.split(a).join(c));
    b.method('Replace', 'string(string oldValue, string newValue, StringComparison comparisonType)', (s: string, o: string, n: string | null, c: number) => {
      if (!ignoresCase(c)) return replace(s, o, n);
      const re = new RegExp(arg(o, 'oldValue').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
      return s.replace(re, () => n ?? '');
    });
    for (const [name, start, end] of [
      ['Trim', true, true],
      ['TrimStart', true, false],
      ['TrimEnd', false, true],
    ] as const) {
      b.method(name, 'string()', (s: string) => trimChars(s, null, start, end));
      b.method(name, 'string(char trimChar)', (s: string, c: string) => trimChars(s, [c], start, end));
      b.method(name, 'string(params char[] trimChars)', (s: string, cs: string[] | null) => trimChars(s, cs, start, end));
    }
    b.method('Split', 'string[](params char[] separator)', (s: string, seps: string[] | null) => split(s, seps, Number.MAX_SAFE_INTEGER, 0));
    b.method('Split', 'string[](char separator, StringSplitOptions options = 0)', (s: string, sep: string, o: number) => split(s, [sep], Number.MAX_SAFE_INTEGER, o));
    b.method('Split', 'string[](char separator, int count, StringSplitOptions options = 0)', (s: string, sep: string, n: number, o: number) => split(s, [sep], n, o));
    b.method('Split', 'string[](char[] separator, StringSplitOptions options)', (s: string, seps: string[] | null, o: number) => split(s, seps, Number.MAX_SAFE_INTEGER, o));
    b.method('Split', 'string[](char[] separator, int count)', (s: string, seps: string[] | null, n: number) => split(s, seps, n, 0));
    b.method('Split', 'string[](char[] separator, int count, StringSplitOptions options)', (s: string, seps: string[] | null, n: number, o: number) => split(s, seps, n, o));
    b.method('Split', 'string[](string separator, StringSplitOptions options = 0)', (s: string, sep: string | null, o: number) => split(s, sep === null ? null : [sep], Number.MAX_SAFE_INTEGER, o));
    b.method('Split', 'string[](string separator, int count, StringSplitOptions options = 0)', (s: string, sep: string | null, n: number, o: number) => split(s, sep === null ? null : [sep], n, o));
    b.method('Split', 'string[](string[] separator, StringSplitOptions options)', (s: string, seps: string[] | null, o: number) => split(s, seps, Number.MAX_SAFE_INTEGER, o));
    b.method('Split', 'string[](string[] separator, int count, StringSplitOptions options)', (s: string, seps: string[] | null, n: number, o: number) => split(s, seps, n, o));
    b.method('PadLeft', 'string(int totalWidth)', (s: string, w: number) => pad(s, w, ' ', true));
    b.method('PadLeft', 'string(int totalWidth, char paddingChar)', (s: string, w: number, c: string) => pad(s, w, c, true));
    b.method('PadRight', 'string(int totalWidth)', (s: string, w: number) => pad(s, w, ' ', false));
    b.method('PadRight', 'string(int totalWidth, char paddingChar)', (s: string, w: number, c: string) => pad(s, w, c, false));
    b.method('Equals', 'bool(string value)', (s: string, v: string | null) => s === v);
    b.method('Equals', 'bool(string value, StringComparison comparisonType)', (s: string, v: string | null, c: number) => v !== null && fold(s, c) === fold(v, c));
    b.method('CompareTo', 'int(string strB)', (s: string, v: string | null) => compare(s, v, 4));
    b.method('ToString', 'string()', (s: string) => s);
    b.method('ToCharArray', 'char[]()', (s: string) => s.split(''));
    b.method('Insert', 'string(int startIndex, string value)', (s: string, i: number, v: string) => {
      if (i < 0 || i > s.length) throw argumentOutOfRange('startIndex');
      return s.slice(0, i) + arg(v, 'value') + s.slice(i);
    });
    b.method('Remove', 'string(int startIndex)', (s: string, i: number) => {
      if (i < 0 || i > s.length) throw argumentOutOfRange('startIndex', 'startIndex must be less than length of string.');
      return s.slice(0, i);
    });
    b.method('Remove', 'string(int startIndex, int count)', (s: string, i: number, n: number) => {
      if (i < 0 || n < 0 || i + n > s.length) throw argumentOutOfRange('count', 'Index and count must refer to a location within the string.');
      return s.slice(0, i) + s.slice(i + n);
    });
    b.method('Normalize', 'string()', (s: string) => s.normalize('NFC'));
    b.method('GetHashCode', 'int()', (s: string) => {
      let h = 0;
      for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
      return h;
    });

    b.staticProp('Empty', 'string', () => '');
    b.staticMethod('IsNullOrEmpty', 'bool(string value)', (s: string | null) => s === null || s === '');
    b.staticMethod('IsNullOrWhiteSpace', 'bool(string value)', (s: string | null) => s === null || [...s].every(isWhiteSpace));
    b.staticMethod('Join', 'string(string separator, params string[] value)', join);
    b.staticMethod('Join', 'string(string separator, params object[] values)', join);
    b.staticMethod('Join', 'string(string separator, IEnumerable<string> values)', join);
    b.staticMethod('Join', '<T> string(string separator, IEnumerable<T> values)', join);
    b.staticMethod('Join', 'string(char separator, params string[] value)', join);
    b.staticMethod('Join', 'string(char separator, params object[] values)', join);
    b.staticMethod('Join', '<T> string(char separator, IEnumerable<T> values)', join);
    b.staticMethod('Concat', 'string(string str0, string str1)', (a: string | null, c: string | null) => (a ?? '') + (c ?? ''));
    b.staticMethod('Concat', 'string(string str0, string str1, string str2)', (a: string | null, c: string | null, d: string | null) => (a ?? '') + (c ?? '') + (d ?? ''));
    b.staticMethod('Concat', 'string(params string[] values)', (vs: (string | null)[]) => vs.map((v) => v ?? '').join(''));
    b.staticMethod('Concat', 'string(params object[] args)', (vs: unknown[]) => vs.map((v) => clrToString(v)).join(''));
    b.staticMethod('Concat', 'string(IEnumerable<string> values)', (vs: Iterable<unknown>) => join('', vs));
    b.staticMethod('Concat', '<T> string(IEnumerable<T> values)', (vs: Iterable<unknown>) => join('', vs));
    b.staticMethod('Format', 'string(string format, params object[] args)', (f: string | null, args: unknown[]) => compositeFormat(arg(f, 'format'), args));
    b.staticMethod('Format', 'string(IFormatProvider provider, string format, params object[] args)', (_p: unknown, f: string | null, args: unknown[]) => compositeFormat(arg(f, 'format'), args));
    b.staticMethod('Equals', 'bool(string a, string b)', (a: string | null, c: string | null) => a === c);
    b.staticMethod('Equals', 'bool(string a, string b, StringComparison comparisonType)', (a: string | null, c: string | null, k: number) => compare(a, c, k) === 0 && (a === null) === (c === null));
    b.staticMethod('Compare', 'int(string strA, string strB)', (a: string | null, c: string | null) => compare(a, c, 4));
    b.staticMethod('Compare', 'int(string strA, string strB, bool ignoreCase)', (a: string | null, c: string | null, ic: boolean) => compare(a, c, ic ? 5 : 4));
    b.staticMethod('Compare', 'int(string strA, string strB, StringComparison comparisonType)', compare);
    b.staticMethod('CompareOrdinal', 'int(string strA, string strB)', (a: string | null, c: string | null) => compare(a, c, 4));
    b.staticMethod('Copy', 'string(string str)', (s: string) => arg(s, 'str'));
    b.ctor('(char c, int count)', (c: string, n: number) => {
      if (n < 0) throw argumentOutOfRange('count', 'Non-negative number required.');
      return c.repeat(n);
    });
    b.ctor('(char[] value)', (cs: string[] | null) => (cs ?? []).join(''));
  },
});

const charTest = (re: RegExp) => (c: string) => re.test(c);

defineType({
  name: 'Char',
  namespace: 'System',
  primitive: 'char',
  valueType: true,
  isInstance: (v) => typeof v === 'string' && v.length === 1,
  members: (b) => {
    b.method('ToString', 'string()', (c: string) => c);
    b.method('Equals', 'bool(char obj)', (c: string, o: string) => c === o);
    b.method('CompareTo', 'int(char value)', (c: string, o: string) => c.charCodeAt(0) - o.charCodeAt(0));
    b.staticMethod('IsDigit', 'bool(char c)', charTest(/^\p{Nd}$/u));
    b.staticMethod('IsNumber', 'bool(char c)', charTest(/^\p{N}$/u));
    b.staticMethod('IsLetter', 'bool(char c)', charTest(/^\p{L}$/u));
    b.staticMethod('IsLetterOrDigit', 'bool(char c)', charTest(/^[\p{L}\p{Nd}]$/u));
    b.staticMethod('IsWhiteSpace', 'bool(char c)', isWhiteSpace);
    b.staticMethod('IsUpper', 'bool(char c)', charTest(/^\p{Lu}$/u));
    b.staticMethod('IsLower', 'bool(char c)', charTest(/^\p{Ll}$/u));
    b.staticMethod('IsPunctuation', 'bool(char c)', charTest(/^\p{P}$/u));
    b.staticMethod('IsSymbol', 'bool(char c)', charTest(/^\p{S}$/u));
    b.staticMethod('IsControl', 'bool(char c)', charTest(/^\p{Cc}$/u));
    b.staticMethod('IsSurrogate', 'bool(char c)', charTest(/^[\uD800-\uDFFF]$/));
    b.staticMethod('ToUpper', 'char(char c)', (c: string) => (c.toUpperCase().length === 1 ? c.toUpperCase() : c));
    b.staticMethod('ToLower', 'char(char c)', (c: string) => (c.toLowerCase().length === 1 ? c.toLowerCase() : c));
    b.staticMethod('ToUpperInvariant', 'char(char c)', (c: string) => (c.toUpperCase().length === 1 ? c.toUpperCase() : c));
    b.staticMethod('ToLowerInvariant', 'char(char c)', (c: string) => (c.toLowerCase().length === 1 ? c.toLowerCase() : c));
    b.staticMethod('ToString', 'string(char c)', (c: string) => c);
    b.staticMethod('Parse', 'char(string s)', (s: string | null) => {
      if (s === null) throw argumentNull('s');
      if (s.length !== 1) throw formatError('String must be exactly one character long.');
      return s;
    });
    b.staticMethod('IsAsciiDigit', 'bool(char c)', charTest(/^[0-9]$/));
    b.staticMethod('GetNumericValue', 'double(char c)', (c: string) => (/^[0-9]$/.test(c) ? Number(c) : -1));
    b.constant('MinValue', 'char', '\0');
    b.constant('MaxValue', 'char', '\uffff');
  },
});

class StringBuilder {
  readonly [CLR_TYPE] = 'System.Text.StringBuilder';
  value = '';
  toString(): string {
    return this.value;
  }
}

const MAX_BUILDER_LENGTH = 64 * 1024 * 1024;

function append(sb: StringBuilder, text: string): StringBuilder {
  if (sb.value.length + text.length > MAX_BUILDER_LENGTH) throw argumentOutOfRange('chunkLength', 'The string builder exceeded its capacity.');
  sb.value += text;
  return sb;
}

defineType({
  name: 'StringBuilder',
  namespace: 'System.Text',
  isInstance: (v) => v instanceof StringBuilder,
  members: (b) => {
    b.ctor('()', () => new StringBuilder());
    b.ctor('(int capacity)', () => new StringBuilder());
    b.ctor('(string value)', (s: string | null) => append(new StringBuilder(), s ?? ''));
    b.prop('Length', 'int', (sb: StringBuilder) => sb.value.length);
    b.method('Append', 'StringBuilder(string value)', (sb: StringBuilder, s: string | null) => append(sb, s ?? ''));
    b.method('Append', 'StringBuilder(char value)', (sb: StringBuilder, s: string) => append(sb, s));
    b.method('Append', 'StringBuilder(object value)', (sb: StringBuilder, v: unknown) => append(sb, clrToString(v)));
    b.method('Append', 'StringBuilder(char value, int repeatCount)', (sb: StringBuilder, c: string, n: number) => append(sb, c.repeat(Math.max(0, n))));
    b.method('AppendLine', 'StringBuilder()', (sb: StringBuilder) => append(sb, '\n'));
    b.method('AppendLine', 'StringBuilder(string value)', (sb: StringBuilder, s: string | null) => append(sb, (s ?? '') + '\n'));
    b.method('AppendFormat', 'StringBuilder(string format, params object[] args)', (sb: StringBuilder, f: string, args: unknown[]) => append(sb, compositeFormat(arg(f, 'format'), args)));
    b.method('Insert', 'StringBuilder(int index, string value)', (sb: StringBuilder, i: number, s: string | null) => {
      sb.value = sb.value.slice(0, i) + (s ?? '') + sb.value.slice(i);
      return sb;
    });
    b.method('Remove', 'StringBuilder(int startIndex, int length)', (sb: StringBuilder, i: number, n: number) => {
      sb.value = sb.value.slice(0, i) + sb.value.slice(i + n);
      return sb;
    });
    b.method('Replace', 'StringBuilder(string oldValue, string newValue)', (sb: StringBuilder, o: string, n: string | null) => {
      sb.value = replace(sb.value, o, n);
      return sb;
    });
    b.method('Clear', 'StringBuilder()', (sb: StringBuilder) => {
      sb.value = '';
      return sb;
    });
    b.method('ToString', 'string()', (sb: StringBuilder) => sb.value);
  },
});

class StringComparerImpl {
  readonly [CLR_TYPE] = 'System.StringComparer';
  constructor(readonly ignoreCase: boolean) {}
  key(s: unknown): unknown {
    return this.ignoreCase && typeof s === 'string' ? s.toUpperCase() : s;
  }
}
export { StringComparerImpl };

defineType({
  name: 'StringComparer',
  namespace: 'System',
  isInstance: (v) => v instanceof StringComparerImpl,
  members: (b) => {
    const ordinal = new StringComparerImpl(false);
    const ignore = new StringComparerImpl(true);
    b.staticProp('Ordinal', 'StringComparer', () => ordinal);
    b.staticProp('OrdinalIgnoreCase', 'StringComparer', () => ignore);
    b.staticProp('InvariantCulture', 'StringComparer', () => ordinal);
    b.staticProp('InvariantCultureIgnoreCase', 'StringComparer', () => ignore);
    b.staticProp('CurrentCulture', 'StringComparer', () => ordinal);
    b.staticProp('CurrentCultureIgnoreCase', 'StringComparer', () => ignore);
    b.method('Equals', 'bool(string x, string y)', (c: StringComparerImpl, x: string | null, y: string | null) => c.key(x) === c.key(y));
    b.method('Compare', 'int(string x, string y)', (c: StringComparerImpl, x: string | null, y: string | null) => compare(x, y, c.ignoreCase ? 5 : 4));
  },
});
