/**
 * System.Uri, System.Net.WebUtility and System.Web.HttpUtility: URL parsing and the
 * escaping rules each .NET helper uses (EscapeDataString is RFC 3986; WebUtility.UrlEncode
 * writes '+' for spaces and upper-case hex, HttpUtility lower-case).
 */
import { defineType } from '../types/registry.js';
import { ClrException, argumentNull } from './exceptions.js';
import { CLR_TYPE } from './object.js';
import { utf8Bytes } from './encoding.js';

interface OutCell {
  value: unknown;
}

const UriKind = { RelativeOrAbsolute: 0, Absolute: 1, Relative: 2 } as const;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ftp: 21, ws: 80, wss: 443 };

export class ClrUri {
  readonly [CLR_TYPE] = 'System.Uri';
  constructor(
    readonly original: string,
    /** Undefined for a relative URI. */
    readonly url: URL | undefined,
  ) {}
  toString(): string {
    return this.url ? this.url.href : this.original;
  }
  equals(o: unknown): boolean {
    return o instanceof ClrUri && o.toString() === this.toString();
  }
}

function uriFormat(message: string): ClrException {
  return new ClrException('System.UriFormatException', message);
}

function parseUri(text: string | null, kind: number = UriKind.Absolute): ClrUri {
  if (text === null) throw argumentNull('uriString');
  const trimmed = text.trim();
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed);
  if (absolute && kind !== UriKind.Relative) {
    try {
      return new ClrUri(text, new URL(trimmed));
    } catch {
      throw uriFormat('Invalid URI: The hostname could not be parsed.');
    }
  }
  if (kind === UriKind.Absolute || (absolute && kind === UriKind.Relative)) {
    throw uriFormat(absolute ? 'A relative URI cannot be created because the \'uriString\' parameter represents an absolute URI.' : 'Invalid URI: The format of the URI could not be determined.');
  }
  return new ClrUri(text, undefined);
}

function absolute(u: ClrUri): URL {
  if (!u.url) throw new ClrException('System.InvalidOperationException', 'This operation is not supported for a relative URI.');
  return u.url;
}

function hex(b: number, upper: boolean): string {
  const h = b.toString(16).padStart(2, '0');
  return upper ? h.toUpperCase() : h;
}

function percentEncode(s: string, keep: RegExp, spaceAsPlus: boolean, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    if (keep.test(ch)) out += ch;
    else if (spaceAsPlus && ch === ' ') out += '+';
    else for (const b of utf8Bytes(ch)) out += `%${hex(b, upper)}`;
  }
  return out;
}

/** Decode %XX sequences (UTF-8), leaving malformed ones as written, as .NET does. */
export function percentDecode(s: string, plusAsSpace: boolean): string {
  const text = plusAsSpace ? s.replace(/\+/g, ' ') : s;
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (bytes.length) {
      out += new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
      bytes.length = 0;
    }
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += text[i];
    }
  }
  flush();
  return out;
}

export function escapeDataString(s: string | null): string {
  if (s === null) throw argumentNull('stringToEscape');
  return percentEncode(s, /[A-Za-z0-9\-_.~]/, false, true);
}

function escapeUriString(s: string | null): string {
  if (s === null) throw argumentNull('stringToEscape');
  return percentEncode(s, /[A-Za-z0-9\-_.~:/?#[\]@!$&'()*+,;=%]/, false, true);
}

function htmlEncode(s: string | null): string | null {
  if (s === null) return null;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '&') out += '&amp;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&#39;';
    else if (c >= 160 && c < 256) out += `&#${c};`;
    else out += ch;
  }
  return out;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlDecode(s: string | null): string | null {
  if (s === null) return null;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
    return NAMED_ENTITIES[body] ?? m;
  });
}

defineType({
  name: 'Uri',
  namespace: 'System',
  isInstance: (v) => v instanceof ClrUri,
  members: (b) => {
    b.ctor('(string uriString)', (s: string | null) => parseUri(s));
    b.ctor('(string uriString, UriKind uriKind)', parseUri);
    b.ctor('(Uri baseUri, string relativeUri)', (base: ClrUri, rel: string | null) => {
      if (rel === null) throw argumentNull('relativeUri');
      return new ClrUri(rel, new URL(rel, absolute(base)));
    });
    b.prop('AbsoluteUri', 'string', (u: ClrUri) => absolute(u).href);
    b.prop('AbsolutePath', 'string', (u: ClrUri) => absolute(u).pathname);
    b.prop('LocalPath', 'string', (u: ClrUri) => percentDecode(absolute(u).pathname, false));
    b.prop('PathAndQuery', 'string', (u: ClrUri) => absolute(u).pathname + absolute(u).search);
    b.prop('Query', 'string', (u: ClrUri) => absolute(u).search);
    b.prop('Fragment', 'string', (u: ClrUri) => absolute(u).hash);
    b.prop('Host', 'string', (u: ClrUri) => absolute(u).hostname);
    b.prop('DnsSafeHost', 'string', (u: ClrUri) => absolute(u).hostname.replace(/^\[|\]$/g, ''));
    b.prop('Scheme', 'string', (u: ClrUri) => absolute(u).protocol.slice(0, -1));
    b.prop('Port', 'int', (u: ClrUri) => {
      const url = absolute(u);
      return url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol.slice(0, -1)] ?? -1);
    });
    b.prop('IsDefaultPort', 'bool', (u: ClrUri) => absolute(u).port === '');
    b.prop('Authority', 'string', (u: ClrUri) => absolute(u).host);
    b.prop('UserInfo', 'string', (u: ClrUri) => {
      const url = absolute(u);
      return url.username ? `${url.username}${url.password ? `:${url.password}` : ''}` : '';
    });
    b.prop('Segments', 'string[]', (u: ClrUri) => absolute(u).pathname.match(/[^/]*\/|[^/]+$/g) ?? ['/']);
    b.prop('IsAbsoluteUri', 'bool', (u: ClrUri) => u.url !== undefined);
    b.prop('OriginalString', 'string', (u: ClrUri) => u.original);
    b.method('ToString', 'string()', (u: ClrUri) => u.toString());
    b.method('GetLeftPart', 'string(UriPartial part)', (u: ClrUri, part: number) => {
      const url = absolute(u);
      const scheme = `${url.protocol}//`;
      if (part === 0) return scheme;
      if (part === 1) return `${scheme}${url.host}`;
      if (part === 2) return `${scheme}${url.host}${url.pathname}`;
      return `${scheme}${url.host}${url.pathname}${url.search}`;
    });
    b.staticMethod('EscapeDataString', 'string(string stringToEscape)', escapeDataString);
    b.staticMethod('UnescapeDataString', 'string(string stringToUnescape)', (s: string | null) => {
      if (s === null) throw argumentNull('stringToUnescape');
      return percentDecode(s, false);
    });
    b.staticMethod('EscapeUriString', 'string(string stringToEscape)', escapeUriString);
    b.staticMethod('IsWellFormedUriString', 'bool(string uriString, UriKind uriKind)', (s: string | null, k: number) => {
      if (s === null) return false;
      try {
        parseUri(s, k);
        return !/\s/.test(s);
      } catch {
        return false;
      }
    });
    b.staticMethod('TryCreate', 'bool(string uriString, UriKind uriKind, out Uri result)', (s: string | null, k: number, out: OutCell) => {
      try {
        out.value = parseUri(s, k);
        return true;
      } catch {
        out.value = null;
        return false;
      }
    });
    b.staticProp('UriSchemeHttp', 'string', () => 'http');
    b.staticProp('UriSchemeHttps', 'string', () => 'https');
  },
});

defineType({ name: 'UriPartial', namespace: 'System', enumValues: { Scheme: 0, Authority: 1, Path: 2, Query: 3 }, isInstance: (v) => typeof v === 'number' });

defineType({
  name: 'WebUtility',
  namespace: 'System.Net',
  static: true,
  members: (b) => {
    b.staticMethod('UrlEncode', 'string(string value)', (s: string | null) => (s === null ? null : percentEncode(s, /[A-Za-z0-9\-_.!*()]/, true, true)));
    b.staticMethod('UrlDecode', 'string(string encodedValue)', (s: string | null) => (s === null ? null : percentDecode(s, true)));
    b.staticMethod('HtmlEncode', 'string(string value)', htmlEncode);
    b.staticMethod('HtmlDecode', 'string(string value)', htmlDecode);
  },
});

defineType({
  name: 'HttpUtility',
  namespace: 'System.Web',
  static: true,
  members: (b) => {
    b.staticMethod('UrlEncode', 'string(string str)', (s: string | null) => (s === null ? null : percentEncode(s, /[A-Za-z0-9\-_.!*()]/, true, false)));
    b.staticMethod('UrlDecode', 'string(string str)', (s: string | null) => (s === null ? null : percentDecode(s, true)));
    b.staticMethod('UrlPathEncode', 'string(string str)', (s: string | null) => (s === null ? null : percentEncode(s, /[^ ]/, false, false).replace(/[^\x20-\x7e]/gu, (c) => [...utf8Bytes(c)].map((x) => `%${hex(x, false)}`).join(''))));
    b.staticMethod('HtmlEncode', 'string(string s)', htmlEncode);
    b.staticMethod('HtmlDecode', 'string(string s)', htmlDecode);
    b.staticMethod('HtmlAttributeEncode', 'string(string s)', htmlEncode);
    b.staticMethod('JavaScriptStringEncode', 'string(string value)', (s: string | null) => (s === null ? '' : JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'")));
  },
});
