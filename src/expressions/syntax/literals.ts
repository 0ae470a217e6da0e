/** Decoding of C# literal tokens (numbers with suffixes, escape sequences, verbatim strings). */
import type { LiteralType } from './ast.js';

export interface DecodedNumber {
  readonly type: LiteralType;
  readonly value: number | bigint;
}

const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const ULONG_MAX = 18446744073709551615n;

/** Returns undefined when the literal does not fit any integral type. */
export function decodeIntegerLiteral(text: string): DecodedNumber | undefined {
  const clean = text.replace(/_/g, '');
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)([uU][lL]?|[lL][uU]?)?$/.exec(clean);
  if (!m) return undefined;
  const digits = m[1];
  const value = /^0[bB]/.test(digits) ? BigInt(`0b${digits.slice(2)}`) : BigInt(digits);
  const suffix = (m[2] ?? '').toLowerCase();
  const unsigned = suffix.includes('u');
  const long = suffix.includes('l');
  let type: LiteralType;
  if (!unsigned && !long) type = value <= INT_MAX ? 'int' : value <= UINT_MAX ? 'uint' : value <= LONG_MAX ? 'long' : 'ulong';
  else if (unsigned && !long) type = value <= UINT_MAX ? 'uint' : 'ulong';
  else if (!unsigned && long) type = value <= LONG_MAX ? 'long' : 'ulong';
  else type = 'ulong';
  if (value > ULONG_MAX) return undefined;
  return { type, value: type === 'long' || type === 'ulong' ? value : Number(value) };
}

export function decodeRealLiteral(text: string): DecodedNumber {
  const clean = text.replace(/_/g, '');
  const suffix = clean.slice(-1).toLowerCase();
  const body = /[fdm]/.test(suffix) ? clean.slice(0, -1) : clean;
  const value = Number(body);
  if (suffix === 'f') return { type: 'float', value: Math.fround(value) };
  if (suffix === 'm') return { type: 'decimal', value };
  return { type: 'double', value };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  '\\': '\\',
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decode one escape sequence token such as `\n`, `\u0041`, `\x41`, `\U0001F600`. */
export function decodeEscape(seq: string): string {
  const kind = seq[1];
  if (kind in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[kind];
  if (kind === 'u' || kind === 'x') return String.fromCharCode(parseInt(seq.slice(2), 16));
  if (kind === 'U') return String.fromCodePoint(parseInt(seq.slice(2), 16));
  return seq.slice(1);
}

/** Decode every escape in a regular (non-verbatim) literal body. */
export function decodeEscapes(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{1,4}|.)/g, (seq) => decodeEscape(seq));
}
