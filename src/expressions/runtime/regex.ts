/**
 * System.Text.RegularExpressions over JS RegExp. .NET syntax differences that matter in
 * policies are translated (`(?'name')`, leading inline options, `\A`/`\z`, atomic groups,
 * IgnorePatternWhitespace) and replacement strings follow .NET rules (`$1`, `${name}`, `$0`).
 * Compiled patterns are cached. JS regexes cannot time out; patterns are length-bounded.
 */
import { defineType } from '../types/registry.js';
import { argumentError, argumentNull, argumentOutOfRange } from './exceptions.js';
import { CLR_TYPE, clrToString } from './object.js';

const Options = { IgnoreCase: 1, Multiline: 2, ExplicitCapture: 4, Singleline: 16, IgnorePatternWhitespace: 32, RightToLeft: 64 } as const;
const MAX_PATTERN_LENGTH = 4096;

function stripWhitespace(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (ch === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(ch)) out += ch;
  }
  return out;
}

interface Translated {
  readonly source: string;
  readonly flags: string;
}

export function translatePattern(pattern: string, options: number): Translated {
  if (pattern.length > MAX_PATTERN_LENGTH) throw argumentOutOfRange('pattern', `Patterns longer than ${MAX_PATTERN_LENGTH} characters are not allowed.`);
  let opts = options;
  let p = pattern;
  // Leading inline options: (?i), (?is), (?x)…
  const inline = /^\(\?([imsx]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    for (const o of inline[1]) {
      if (o === 'i') opts |= Options.IgnoreCase;
      if (o === 'm') opts |= Options.Multiline;
      if (o === 's') opts |= Options.Singleline;
      if (o === 'x') opts |= Options.IgnorePatternWhitespace;
    }
  }
  if (opts & Options.IgnorePatternWhitespace) p = stripWhitespace(p);
  p = p
    .replace(/\(\?'([A-Za-z_]\w*)'/g, '(?<$1>')
    .replace(/\(\?>/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$')
    .replace(/\(\?<([A-Za-z_]\w*)-[A-Za-z_]\w*>/g, '(?<$1>');
  let flags = 'd';
  if (opts & Options.IgnoreCase) flags += 'i';
  if (opts & Options.Multiline) flags += 'm';
  if (opts & Options.Singleline) flags += 's';
  return { source: p, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 512;

function compileRegex(pattern: string | null, options: number): RegExp {
  if (pattern === null) throw argumentNull('pattern');
  const key = `${options}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const t = translatePattern(pattern, options);
    try {
      re = new RegExp(t.source, t.flags + 'g');
    } catch (e) {
      throw argumentError(`Invalid pattern '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, re);
  }
  return re;
}

export class ClrGroup {
  readonly [CLR_TYPE]: string = 'System.Text.RegularExpressions.Group';
  constructor(
    readonly success: boolean,
    readonly value: string,
    readonly index: number,
    readonly name: string,
  ) {}
  toString(): string {
    return this.value;
  }
}

export class ClrMatch extends ClrGroup {
  override readonly [CLR_TYPE]: string = 'System.Text.RegularExpressions.Match';
  constructor(
    readonly exec: RegExpExecArray | null,
    readonly regex: RegExp,
    readonly input: string,
  ) {
    super(exec !== null, exec?.[0] ?? '', exec?.index ?? 0, '0');
  }
  groups(): ClrGroupCollection {
    return new ClrGroupCollection(this);
  }
  next(): ClrMatch {
    if (!this.exec) return this;
    const re = new RegExp(this.regex.source, this.regex.flags);
    re.lastIndex = this.exec.index + Math.max(this.exec[0].length, 1);
    if (this.exec[0].length === 0 && this.exec.index >= this.input.length) return new ClrMatch(null, this.regex, this.input);
    return new ClrMatch(re.exec(this.input), this.regex, this.input);
  }
}

export class ClrGroupCollection implements Iterable<ClrGroup> {
  readonly [CLR_TYPE] = 'System.Text.RegularExpressions.GroupCollection';
  constructor(readonly match: ClrMatch) {}
  private numbered(): ClrGroup[] {
    const e = this.match.exec;
    if (!e) return [new ClrGroup(false, '', 0, '0')];
    const names = new Map<number, string>();
    // Named groups are also numbered in order of their opening parenthesis (as in JS).
    const src = this.match.regex.source;
    let n = 0;
    const opens = /\\.|\[(?:\\.|[^\]])*\]|\((\?<([A-Za-z_]\w*)>|\?(?![<]))?/g;
    for (const m of src.matchAll(opens)) {
      if (!m[0].startsWith('(')) continue;
      if (m[1] && !m[2]) continue;
      n++;
      if (m[2]) names.set(n, m[2]);
    }
    return [...e].map((v, i) => new ClrGroup(v !== undefined, v ?? '', e.indices?.[i]?.[0] ?? 0, names.get(i) ?? String(i)));
  }
  byIndex(i: number): ClrGroup {
    return this.numbered()[i] ?? new ClrGroup(false, '', 0, String(i));
  }
  byName(name: string): ClrGroup {
    if (/^\d+$/.test(name)) return this.byIndex(Number(name));
    return this.numbered().find((g) => g.name === name) ?? new ClrGroup(false, '', 0, name);
  }
  get count(): number {
    return this.numbered().length;
  }
  [Symbol.iterator](): Iterator<ClrGroup> {
    return this.numbered()[Symbol.iterator]();
  }
}

export class ClrMatchCollection implements Iterable<ClrMatch> {
  readonly [CLR_TYPE] = 'System.Text.RegularExpressions.MatchCollection';
  readonly matches: ClrMatch[];
  constructor(regex: RegExp, input: string) {
    const re = new RegExp(regex.source, regex.flags);
    this.matches = [];
    let m: RegExpExecArray | null;
    while ((m = re.exec(input)) !== null) {
      this.matches.push(new ClrMatch(m, regex, input));
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  get count(): number {
    return this.matches.length;
  }
  [Symbol.iterator](): Iterator<ClrMatch> {
    return this.matches[Symbol.iterator]();
  }
}

class ClrRegex {
  readonly [CLR_TYPE] = 'System.Text.RegularExpressions.Regex';
  readonly re: RegExp;
  constructor(
    readonly pattern: string,
    readonly options: number,
  ) {
    this.re = compileRegex(pattern, options);
  }
  toString(): string {
    return this.pattern;
  }
}

function input(s: string | null): string {
  if (s === null) throw argumentNull('input');
  return s;
}

function match(re: RegExp, text: string, start = 0): ClrMatch {
  const r = new RegExp(re.source, re.flags);
  r.lastIndex = start;
  return new ClrMatch(r.exec(text), re, text);
}

/** Expand a .NET replacement pattern for one match. */
function expandReplacement(replacement: string, m: ClrMatch, whole: string): string {
  const groups = m.groups();
  return replacement.replace(/\$(\$|&|`|'|_|\+|\d+|\{([^}]+)\})/g, (token, body: string, name?: string) => {
    if (body === '$') return '$';
    if (body === '&') return m.value;
    if (body === '`') return whole.slice(0, m.index);
    if (body === "'") return whole.slice(m.index + m.value.length);
    if (body === '_') return whole;
    if (body === '+') return groups.byIndex(groups.count - 1).value;
    if (name !== undefined) {
      const g = groups.byName(name);
      return g.success ? g.value : token;
    }
    const idx = Number(body);
    return idx < groups.count ? groups.byIndex(idx).value : token;
  });
}

function replace(re: RegExp, text: string, replacement: string | ((m: ClrMatch) => string), count = -1): string {
  let out = '';
  let last = 0;
  let done = 0;
  for (const m of new ClrMatchCollection(re, text)) {
    if (count >= 0 && done >= count) break;
    out += text.slice(last, m.index) + (typeof replacement === 'string' ? expandReplacement(replacement, m, text) : replacement(m));
    last = m.index + m.value.length;
    done++;
  }
  return out + text.slice(last);
}

function split(re: RegExp, text: string): string[] {
  return text.split(new RegExp(re.source, re.flags.replace('g', '')));
}

function evaluator(f: (m: ClrMatch) => unknown): (m: ClrMatch) => string {
  return (m) => {
    const r = f(m);
    return r === null || r === undefined ? '' : clrToString(r);
  };
}

export function escapeRegex(s: string | null): string {
  if (s === null) throw argumentNull('str');
  return s.replace(/[\\*+?|{[()^$.# \t\n\r\f]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f' })[c] ?? `\\${c}`);
}

defineType({ name: 'MatchEvaluator', namespace: 'System.Text.RegularExpressions', isInstance: (v) => typeof v === 'function' });

defineType({
  name: 'RegexOptions',
  namespace: 'System.Text.RegularExpressions',
  enumValues: { None: 0, IgnoreCase: 1, Multiline: 2, ExplicitCapture: 4, Compiled: 8, Singleline: 16, IgnorePatternWhitespace: 32, RightToLeft: 64, ECMAScript: 256, CultureInvariant: 512 },
  isInstance: (v) => typeof v === 'number',
});

defineType({
  name: 'Group',
  namespace: 'System.Text.RegularExpressions',
  isInstance: (v) => v instanceof ClrGroup,
  members: (b) => {
    b.prop('Success', 'bool', (g: ClrGroup) => g.success);
    b.prop('Value', 'string', (g: ClrGroup) => g.value);
    b.prop('Index', 'int', (g: ClrGroup) => g.index);
    b.prop('Length', 'int', (g: ClrGroup) => g.value.length);
    b.prop('Name', 'string', (g: ClrGroup) => g.name);
    b.method('ToString', 'string()', (g: ClrGroup) => g.value);
  },
});

defineType({
  name: 'Match',
  namespace: 'System.Text.RegularExpressions',
  bases: ['Group'],
  isInstance: (v) => v instanceof ClrMatch,
  members: (b) => {
    b.prop('Groups', 'GroupCollection', (m: ClrMatch) => m.groups());
    b.method('NextMatch', 'Match()', (m: ClrMatch) => m.next());
    b.method('Result', 'string(string replacement)', (m: ClrMatch, r: string) => expandReplacement(r, m, m.input));
    b.staticProp('Empty', 'Match', () => new ClrMatch(null, /(?:)/g, ''));
  },
});

defineType({
  name: 'GroupCollection',
  namespace: 'System.Text.RegularExpressions',
  bases: ['IEnumerable<Group>'],
  isInstance: (v) => v instanceof ClrGroupCollection,
  members: (b) => {
    b.indexer('Group(int groupnum)', (c: ClrGroupCollection, i: number) => c.byIndex(i));
    b.indexer('Group(string groupname)', (c: ClrGroupCollection, n: string) => c.byName(n));
    b.prop('Count', 'int', (c: ClrGroupCollection) => c.count);
    b.method('ContainsKey', 'bool(string key)', (c: ClrGroupCollection, n: string) => [...c].some((g) => g.name === n));
  },
});

defineType({
  name: 'MatchCollection',
  namespace: 'System.Text.RegularExpressions',
  bases: ['IEnumerable<Match>'],
  isInstance: (v) => v instanceof ClrMatchCollection,
  members: (b) => {
    b.indexer('Match(int i)', (c: ClrMatchCollection, i: number) => {
      if (i < 0 || i >= c.count) throw argumentOutOfRange('i');
      return c.matches[i];
    });
    b.prop('Count', 'int', (c: ClrMatchCollection) => c.count);
  },
});

defineType({
  name: 'Regex',
  namespace: 'System.Text.RegularExpressions',
  isInstance: (v) => v instanceof ClrRegex,
  members: (b) => {
    b.ctor('(string pattern)', (p: string | null) => new ClrRegex(p ?? '', 0));
    b.ctor('(string pattern, RegexOptions options)', (p: string | null, o: number) => new ClrRegex(p ?? '', o));
    b.ctor('(string pattern, RegexOptions options, TimeSpan matchTimeout)', (p: string | null, o: number) => new ClrRegex(p ?? '', o));
    b.staticMethod('IsMatch', 'bool(string input, string pattern)', (s: string | null, p: string | null) => match(compileRegex(p, 0), input(s)).success);
    b.staticMethod('IsMatch', 'bool(string input, string pattern, RegexOptions options)', (s: string | null, p: string | null, o: number) => match(compileRegex(p, o), input(s)).success);
    b.staticMethod('IsMatch', 'bool(string input, string pattern, RegexOptions options, TimeSpan matchTimeout)', (s: string | null, p: string | null, o: number) => match(compileRegex(p, o), input(s)).success);
    b.staticMethod('Match', 'Match(string input, string pattern)', (s: string | null, p: string | null) => match(compileRegex(p, 0), input(s)));
    b.staticMethod('Match', 'Match(string input, string pattern, RegexOptions options)', (s: string | null, p: string | null, o: number) => match(compileRegex(p, o), input(s)));
    b.staticMethod('Matches', 'MatchCollection(string input, string pattern)', (s: string | null, p: string | null) => new ClrMatchCollection(compileRegex(p, 0), input(s)));
    b.staticMethod('Matches', 'MatchCollection(string input, string pattern, RegexOptions options)', (s: string | null, p: string | null, o: number) => new ClrMatchCollection(compileRegex(p, o), input(s)));
    b.staticMethod('Replace', 'string(string input, string pattern, string replacement)', (s: string | null, p: string | null, r: string | null) => replace(compileRegex(p, 0), input(s), r ?? ''));
    b.staticMethod('Replace', 'string(string input, string pattern, string replacement, RegexOptions options)', (s: string | null, p: string | null, r: string | null, o: number) => replace(compileRegex(p, o), input(s), r ?? ''));
    b.staticMethod('Replace', 'string(string input, string pattern, MatchEvaluator evaluator)', (s: string | null, p: string | null, f: (m: ClrMatch) => unknown) => replace(compileRegex(p, 0), input(s), evaluator(f)));
    b.staticMethod('Replace', 'string(string input, string pattern, MatchEvaluator evaluator, RegexOptions options)', (s: string | null, p: string | null, f: (m: ClrMatch) => unknown, o: number) =>
      replace(compileRegex(p, o), input(s), evaluator(f)),
    );
    b.staticMethod('Split', 'string[](string input, string pattern)', (s: string | null, p: string | null) => split(compileRegex(p, 0), input(s)));
    b.staticMethod('Split', 'string[](string input, string pattern, RegexOptions options)', (s: string | null, p: string | null, o: number) => split(compileRegex(p, o), input(s)));
    b.staticMethod('Escape', 'string(string str)', escapeRegex);
    b.staticMethod('Unescape', 'string(string str)', (s: string | null) => {
      if (s === null) throw argumentNull('str');
      return s.replace(/\\(.)/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', f: '\f' })[c] ?? c);
    });
    b.method('IsMatch', 'bool(string input)', (r: ClrRegex, s: string | null) => match(r.re, input(s)).success);
    b.method('IsMatch', 'bool(string input, int startat)', (r: ClrRegex, s: string | null, i: number) => match(r.re, input(s), i).success);
    b.method('Match', 'Match(string input)', (r: ClrRegex, s: string | null) => match(r.re, input(s)));
    b.method('Match', 'Match(string input, int startat)', (r: ClrRegex, s: string | null, i: number) => match(r.re, input(s), i));
    b.method('Matches', 'MatchCollection(string input)', (r: ClrRegex, s: string | null) => new ClrMatchCollection(r.re, input(s)));
    b.method('Replace', 'string(string input, string replacement)', (r: ClrRegex, s: string | null, rep: string | null) => replace(r.re, input(s), rep ?? ''));
    b.method('Replace', 'string(string input, string replacement, int count)', (r: ClrRegex, s: string | null, rep: string | null, n: number) => replace(r.re, input(s), rep ?? '', n));
    b.method('Replace', 'string(string input, MatchEvaluator evaluator)', (r: ClrRegex, s: string | null, f: (m: ClrMatch) => unknown) => replace(r.re, input(s), evaluator(f)));
    b.method('Split', 'string[](string input)', (r: ClrRegex, s: string | null) => split(r.re, input(s)));
    b.method('ToString', 'string()', (r: ClrRegex) => r.pattern);
    b.method('GetGroupNames', 'string[]()', (r: ClrRegex) => ['0', ...[...r.re.source.matchAll(/\(\?<([A-Za-z_]\w*)>/g)].map((m) => m[1])]);
    b.prop('Options', 'RegexOptions', (r: ClrRegex) => r.options);
  },
});
