/** System.Text.Encoding: UTF8, ASCII, Unicode (UTF-16LE), Latin1 and UTF32 byte conversions. */
import { defineType } from '../types/registry.js';
import { argumentError, argumentNull, argumentOutOfRange } from './exceptions.js';
import { CLR_TYPE } from './object.js';

abstract class ClrEncoding {
  readonly [CLR_TYPE] = 'System.Text.Encoding';
  abstract readonly webName: string;
  abstract readonly encodingName: string;
  abstract encode(s: string): Uint8Array;
  abstract decode(b: Uint8Array): string;
  toString(): string {
    return `System.Text.${this.encodingName.replace(/[^A-Za-z0-9]/g, '')}Encoding`;
  }
}

class Utf8Encoding extends ClrEncoding {
  readonly webName = 'utf-8';
  readonly encodingName = 'Unicode (UTF-8)';
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly encoder = new TextEncoder();
  encode(s: string): Uint8Array {
    return this.encoder.encode(s);
  }
  decode(b: Uint8Array): string {
    return this.decoder.decode(b);
  }
}

class AsciiEncoding extends ClrEncoding {
  readonly webName = 'us-ascii';
  readonly encodingName = 'US-ASCII';
  encode(s: string): Uint8Array {
    // Characters outside ASCII become '?', as .NET's replacement fallback does.
    return Uint8Array.from(s, (ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : 63));
  }
  decode(b: Uint8Array): string {
    let s = '';
    for (const x of b) s += x < 128 ? String.fromCharCode(x) : '?';
    return s;
  }
}

class Latin1Encoding extends ClrEncoding {
  readonly webName = 'iso-8859-1';
  readonly encodingName = 'Western European (ISO)';
  encode(s: string): Uint8Array {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      out[i] = c < 256 ? c : 63;
    }
    return out;
  }
  decode(b: Uint8Array): string {
    let s = '';
    for (const x of b) s += String.fromCharCode(x);
    return s;
  }
}

class Utf16Encoding extends ClrEncoding {
  readonly webName = 'utf-16';
  readonly encodingName = 'Unicode';
  encode(s: string): Uint8Array {
    const out = new Uint8Array(s.length * 2);
    const v = new DataView(out.buffer);
    for (let i = 0; i < s.length; i++) v.setUint16(i * 2, s.charCodeAt(i), true);
    return out;
  }
  decode(b: Uint8Array): string {
    return new TextDecoder('utf-16le').decode(b);
  }
}

class Utf32Encoding extends ClrEncoding {
  readonly webName = 'utf-32';
  readonly encodingName = 'Unicode (UTF-32)';
  encode(s: string): Uint8Array {
    const cps = [...s].map((c) => c.codePointAt(0)!);
    const out = new Uint8Array(cps.length * 4);
    const v = new DataView(out.buffer);
    cps.forEach((cp, i) => v.setUint32(i * 4, cp, true));
    return out;
  }
  decode(b: Uint8Array): string {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let s = '';
    for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(Math.min(v.getUint32(i, true), 0x10ffff));
    return s;
  }
}

const UTF8 = new Utf8Encoding();
const ASCII = new AsciiEncoding();
const LATIN1 = new Latin1Encoding();
const UNICODE = new Utf16Encoding();
const UTF32 = new Utf32Encoding();

const BY_NAME: Readonly<Record<string, ClrEncoding>> = {
  'utf-8': UTF8,
  utf8: UTF8,
  'us-ascii': ASCII,
  ascii: ASCII,
  'iso-8859-1': LATIN1,
  latin1: LATIN1,
  'utf-16': UNICODE,
  'utf-16le': UNICODE,
  unicode: UNICODE,
  'utf-32': UTF32,
};

export function utf8Bytes(s: string): Uint8Array {
  return UTF8.encode(s);
}

defineType({
  name: 'Encoding',
  namespace: 'System.Text',
  isInstance: (v) => v instanceof ClrEncoding,
  members: (b) => {
    b.staticProp('UTF8', 'Encoding', () => UTF8);
    b.staticProp('ASCII', 'Encoding', () => ASCII);
    b.staticProp('Unicode', 'Encoding', () => UNICODE);
    b.staticProp('UTF32', 'Encoding', () => UTF32);
    b.staticProp('Latin1', 'Encoding', () => LATIN1);
    b.staticProp('Default', 'Encoding', () => UTF8);
    b.staticMethod('GetEncoding', 'Encoding(string name)', (n: string | null) => {
      if (n === null) throw argumentNull('name');
      const e = BY_NAME[n.toLowerCase()];
      if (!e) throw argumentError(`'${n}' is not a supported encoding name.`, 'name');
      return e;
    });
    b.prop('WebName', 'string', (e: ClrEncoding) => e.webName);
    b.prop('EncodingName', 'string', (e: ClrEncoding) => e.encodingName);
    b.method('GetBytes', 'byte[](string s)', (e: ClrEncoding, s: string | null) => {
      if (s === null) throw argumentNull('s');
      return e.encode(s);
    });
    b.method('GetBytes', 'byte[](char[] chars)', (e: ClrEncoding, cs: string[] | null) => {
      if (cs === null) throw argumentNull('chars');
      return e.encode(cs.join(''));
    });
    b.method('GetByteCount', 'int(string s)', (e: ClrEncoding, s: string | null) => {
      if (s === null) throw argumentNull('s');
      return e.encode(s).length;
    });
    b.method('GetString', 'string(byte[] bytes)', (e: ClrEncoding, a: Uint8Array | null) => {
      if (a === null) throw argumentNull('bytes');
      return e.decode(a);
    });
    b.method('GetString', 'string(byte[] bytes, int index, int count)', (e: ClrEncoding, a: Uint8Array | null, i: number, n: number) => {
      if (a === null) throw argumentNull('bytes');
      if (i < 0 || n < 0 || i + n > a.length) throw argumentOutOfRange('index', 'Index and count must refer to a location within the buffer.');
      return e.decode(a.subarray(i, i + n));
    });
    b.method('GetChars', 'char[](byte[] bytes)', (e: ClrEncoding, a: Uint8Array) => e.decode(a).split(''));
  },
});
