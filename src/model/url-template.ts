import { ValidationError } from './errors.js';

/**
 * APIM operation URL templates, e.g. `/customers/{cid}/orders/{oid}/?date={date}`.
 *
 * This module only parses and validates; the gateway router compiles the result into
 * its matcher. The management layer calls `parseUrlTemplate` to refuse a bad template at
 * save time, so it stays dependency-free and its errors name the character at fault.
 *
 * What a template may hold:
 * - literal path segments (RFC 3986 `pchar`s; percent-encoding allowed, but never an
 *   encoded `/`, since the gateway refuses such requests anyway);
 * - `{name}` segments, and parameters mixed with literals inside one segment
 *   (`/files/{name}.{ext}`), where two parameters must be separated by a literal;
 * - a trailing wildcard, `/*` (not captured) or `/{*rest}` (captured as `rest`);
 * - query parts after `?`: `name={param}` (must be present, value captured),
 *   `name=value` (must be present with that value) or `name` (must be present).
 *
 * A trailing `/` is insignificant (APIM matches `resource` and `resource/` alike).
 */
export interface UrlTemplate {
  /** The template as written. */
  source: string;
  /** Path segments before any wildcard; empty for `/`. */
  segments: TemplateSegment[];
  /** Set when the template ends with `*` or `{*name}`. */
  wildcard: TemplateWildcard | null;
  query: TemplateQueryPart[];
  /** Every parameter name in order of appearance: path, wildcard, then query. */
  parameterNames: string[];
}

export type TemplateSegment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  /** A segment mixing literals and parameters, e.g. `{name}.{ext}`; never two params in a row. */
  | { kind: 'mixed'; parts: TemplateSegmentPart[] };

export type TemplateSegmentPart = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

export interface TemplateWildcard {
  /** `rest` for `{*rest}`; null for a bare `*` (matched but not captured). */
  name: string | null;
}

export interface TemplateQueryPart {
  /** Query parameter name (decoded). */
  name: string;
  /** Parameter that captures the value, for `name={param}`. */
  param: string | null;
  /** Required value, for `name=value`; null when any value is accepted. */
  value: string | null;
}

/** Longer templates are refused outright: the input is bounded before any work is done. */
export const MAX_URL_TEMPLATE_LENGTH = 2048;

const PARAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * RFC 3986 `pchar` minus `%` (handled separately) and minus `*` (reserved here for the
 * wildcard): unreserved, sub-delims, `:` and `@`.
 */
const PATH_LITERAL_CHAR = /[A-Za-z0-9\-._~!$&'()+,;=:@]/;
/** Query literals may also hold `/` and `?`, but not `&` and `=` (they delimit the parts). */
const QUERY_LITERAL_CHAR = /[A-Za-z0-9\-._~!$'()+,;:@/?]/;

export function parseUrlTemplate(template: string): UrlTemplate {
  return new TemplateParser(template).parse();
}

class TemplateParser {
  private readonly names = new Map<string, number>();
  private readonly parameterNames: string[] = [];

  constructor(private readonly source: string) {}

  parse(): UrlTemplate {
    const src = this.source;
    if (typeof src !== 'string' || src.length === 0) this.fail('it is empty', 0);
    if (src.length > MAX_URL_TEMPLATE_LENGTH) {
      this.fail(`it is longer than ${MAX_URL_TEMPLATE_LENGTH} characters`, MAX_URL_TEMPLATE_LENGTH);
    }
    if (src[0] !== '/') this.fail("it must start with '/'", 0);

    const queryStart = this.findQueryStart();
    const pathEnd = queryStart === -1 ? src.length : queryStart;
    const { segments, wildcard } = this.parsePath(pathEnd);
    const query = queryStart === -1 ? [] : this.parseQuery(queryStart + 1);
    return { source: src, segments, wildcard, query, parameterNames: this.parameterNames };
  }

  /** `?` inside braces is a bad parameter name, not the query start; braces are checked later. */
  private findQueryStart(): number {
    let depth = 0;
    for (let i = 0; i < this.source.length; i++) {
      const c = this.source[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '?' && depth === 0) return i;
    }
    return -1;
  }

  private parsePath(end: number): { segments: TemplateSegment[]; wildcard: TemplateWildcard | null } {
    const segments: TemplateSegment[] = [];
    let wildcard: TemplateWildcard | null = null;
    let start = 1;
    while (start <= end) {
      let stop = this.source.indexOf('/', start);
      if (stop === -1 || stop > end) stop = end;
      const isLast = stop === end;
      if (start === stop) {
        // '/' alone, or a trailing '/': insignificant. Anything else is '//'.
        if (!isLast) this.fail('it has an empty path segment', start);
      } else {
        if (wildcard !== null) this.fail('a wildcard must be the last path segment', start - 1);
        const parsed = this.parseSegment(start, stop);
        if ('wildcard' in parsed) wildcard = parsed.wildcard;
        else segments.push(parsed.segment);
      }
      start = stop + 1;
    }
    return { segments, wildcard };
  }

  private parseSegment(start: number, stop: number): { segment: TemplateSegment } | { wildcard: TemplateWildcard } {
    const src = this.source;
    if (stop - start === 1 && src[start] === '*') return { wildcard: { name: null } };

    const parts: TemplateSegmentPart[] = [];
    let i = start;
    while (i < stop) {
      if (src[i] === '{') {
        const close = this.findClosingBrace(i, stop);
        const inner = src.slice(i + 1, close);
        if (inner.startsWith('*')) {
          if (i !== start || close !== stop - 1) {
            this.fail(`the wildcard parameter '{${inner}}' must be a whole path segment`, i);
          }
          return { wildcard: { name: this.declareParameter(inner.slice(1), i + 2) } };
        }
        if (parts.length > 0 && parts[parts.length - 1].kind === 'param') {
          this.fail('two parameters must be separated by a literal', i);
        }
        parts.push({ kind: 'param', name: this.declareParameter(inner, i + 1) });
        i = close + 1;
      } else {
        const literalEnd = this.scanLiteral(i, stop, PATH_LITERAL_CHAR);
        const value = this.decodeLiteral(i, literalEnd);
        if (value.includes('/')) this.fail("an encoded '/' (%2F) can never match a request", i);
        parts.push({ kind: 'literal', value });
        i = literalEnd;
      }
    }
    if (parts.length === 1) return { segment: parts[0] };
    return { segment: { kind: 'mixed', parts } };
  }

  private parseQuery(start: number): TemplateQueryPart[] {
    const src = this.source;
    const query: TemplateQueryPart[] = [];
    const seen = new Set<string>();
    let i = start;
    if (i >= src.length) this.fail("it has an empty query after '?'", i - 1);
    while (i <= src.length) {
      let partEnd = src.indexOf('&', i);
      if (partEnd === -1) partEnd = src.length;
      if (partEnd === i) this.fail('it has an empty query part', i);
      const eq = src.indexOf('=', i);
      const nameEnd = eq !== -1 && eq < partEnd ? eq : partEnd;
      if (nameEnd === i) this.fail('a query part has no name', i);
      if (src[i] === '{') this.fail('a query parameter name cannot be a template parameter', i);
      const name = this.decodeLiteral(i, this.expectLiteralTo(i, nameEnd));
      if (seen.has(name)) this.fail(`the query parameter '${name}' appears twice`, i);
      seen.add(name);

      let param: string | null = null;
      let value: string | null = null;
      if (nameEnd < partEnd) {
        const valueStart = nameEnd + 1;
        if (valueStart === partEnd) this.fail(`the query parameter '${name}' has an empty value`, valueStart);
        if (src[valueStart] === '{') {
          const close = this.findClosingBrace(valueStart, partEnd);
          if (close !== partEnd - 1) this.fail('a query parameter value must be a single {parameter} or a literal', close + 1);
          const inner = src.slice(valueStart + 1, close);
          if (inner.startsWith('*')) this.fail('a wildcard is not allowed in the query', valueStart);
          param = this.declareParameter(inner, valueStart + 1);
        } else {
          value = this.decodeLiteral(valueStart, this.expectLiteralTo(valueStart, partEnd));
        }
      }
      query.push({ name, param, value });
      i = partEnd + 1;
    }
    return query;
  }

  /** The literal must run to `end`; otherwise the first character that stopped it is illegal. */
  private expectLiteralTo(start: number, end: number): number {
    const stop = this.scanLiteral(start, end, QUERY_LITERAL_CHAR);
    if (stop !== end) this.fail(`'${this.source[stop]}' is not allowed here`, stop);
    return stop;
  }

  /** Scans literal characters from `start`; stops at `{` or `end`; fails on anything illegal. */
  private scanLiteral(start: number, end: number, allowed: RegExp): number {
    const src = this.source;
    let i = start;
    while (i < end) {
      const c = src[i];
      if (c === '{') return i;
      if (c === '}') this.fail("unbalanced '}'", i);
      if (c === '%') {
        if (!isHex(src.charCodeAt(i + 1)) || !isHex(src.charCodeAt(i + 2)) || i + 2 >= end) {
          this.fail("'%' must be followed by two hex digits", i);
        }
        i += 3;
        continue;
      }
      if (c === '*') this.fail("'*' is only allowed as the whole last path segment", i);
      if (!allowed.test(c)) this.fail(`illegal character '${printable(c)}'`, i);
      i++;
    }
    return i;
  }

  private decodeLiteral(start: number, end: number): string {
    const raw = this.source.slice(start, end);
    if (!raw.includes('%')) return raw;
    try {
      return decodeURIComponent(raw);
    } catch {
      return this.fail('its percent-encoding is not valid UTF-8', start);
    }
  }

  /** Returns the index of the `}` closing the `{` at `open`; it must come before `end`. */
  private findClosingBrace(open: number, end: number): number {
    for (let i = open + 1; i < end; i++) {
      const c = this.source[i];
      if (c === '}') return i;
      if (c === '{') this.fail("unbalanced '{' (a parameter cannot contain '{')", i);
      if (c === '/') break;
    }
    return this.fail("unbalanced '{'", open);
  }

  private declareParameter(name: string, at: number): string {
    if (name.length === 0) this.fail('a parameter has an empty name', at);
    if (!PARAM_NAME.test(name)) {
      this.fail(`the parameter name '${name}' may only hold letters, digits, '_', '-' and '.'`, at);
    }
    // APIM's MatchedParameters dictionary is case-insensitive, so `{id}` and `{ID}` collide.
    const key = name.toLowerCase();
    if (this.names.has(key)) this.fail(`the parameter '${name}' appears twice`, at);
    this.names.set(key, at);
    this.parameterNames.push(name);
    return name;
  }

  private fail(reason: string, index: number): never {
    const column = index + 1;
    const message = `Invalid URL template '${truncate(this.source)}': ${reason} (character ${column}).`;
    throw new ValidationError(message, [{ code: 'InvalidUrlTemplate', target: 'urlTemplate', message, column }]);
  }
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
}

function truncate(s: unknown): string {
  const text = typeof s === 'string' ? s : String(s);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
