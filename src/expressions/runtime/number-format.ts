/**
 * .NET number → string formatting under the invariant culture: the default `ToString()`
 * (shortest round-trip, `E+XX` exponents past 15 digits), the standard format strings
 * (C, D, E, F, G, N, P, R, X) and custom patterns (`0.00`, `#,##0`, `000-00-0000`).
 */
import { formatError } from './exceptions.js';

export type NumberKind = 'int' | 'long' | 'float' | 'double';

interface Digits {
  /** Significant decimal digits without leading zeros ('' for zero). */
  readonly digits: string;
  /** Position of the decimal point relative to the digit string (123.4 → digits 1234, point 3). */
  readonly point: number;
}

function shortestDigits(x: number, single: boolean): Digits {
  if (x === 0) return { digits: '', point: 1 };
  let exp: string;
  if (single) {
    let s = '';
    for (let p = 1; p <= 9; p++) {
      s = x.toExponential(p - 1);
      if (Math.fround(Number(s)) === x) break;
    }
    exp = s;
  } else {
    exp = x.toExponential();
  }
  const m = /^-?(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const digits = (m[1] + (m[2] ?? '')).replace(/0+$/, '');
  return { digits, point: Number(m[3]) + 1 };
}

function exponentText(e: number, minDigits: number, upper: boolean, plusSign: boolean): string {
  const sign = e < 0 ? '-' : plusSign ? '+' : '';
  return `${upper ? 'E' : 'e'}${sign}${String(Math.abs(e)).padStart(minDigits, '0')}`;
}

/** `double.ToString()` / `"R"`: shortest round-trip digits, scientific outside [1e-5, 1e15). */
export function formatDoubleDefault(x: number, single = false): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const { digits, point } = shortestDigits(Math.abs(x), single);
  const exponent = point - 1;
  let body: string;
  if (exponent >= 15 || exponent < -4) {
    body = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + exponentText(exponent, 2, true, true);
  } else if (point <= 0) {
    body = '0.' + '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    body = digits + '0'.repeat(point - digits.length);
  } else {
    body = digits.slice(0, point) + '.' + digits.slice(point);
  }
  return neg ? '-' + body : body;
}

function groupThousands(intDigits: string): string {
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Round |x| to `decimals` fraction digits, returning integer and fraction digit strings. */
function fixedParts(x: number | bigint, decimals: number): { int: string; frac: string } {
  if (typeof x === 'bigint') {
    const abs = x < 0n ? -x : x;
    return { int: abs.toString(), frac: '0'.repeat(decimals) };
  }
  const abs = Math.abs(x);
  let s: string;
  if (abs >= 1e21) {
    s = BigInt(Math.round(abs)).toString() + (decimals ? '.' + '0'.repeat(decimals) : '');
  } else {
    s = abs.toFixed(Math.min(decimals, 100));
  }
  const [i, f = ''] = s.split('.');
  return { int: i, frac: f.padEnd(decimals, '0') };
}

/**
 * Custom patterns round like .NET: the value is first reduced to 15 significant digits,
 * then rounded half-up at the pattern's last decimal (so 2.55 with "0.0" gives 2.6).
 */
function customParts(x: number, decimals: number): { int: string; frac: string } {
  const abs = Math.abs(x);
  if (abs === 0 || !Number.isFinite(abs)) return { int: '0', frac: '0'.repeat(decimals) };
  const [mantissa, expText] = abs.toExponential(14).split('e');
  let digits = mantissa.replace('.', '');
  let point = Number(expText) + 1;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const keep = point + decimals;
  if (keep < digits.length) {
    const roundUp = digits[keep] >= '5';
    digits = digits.slice(0, keep);
    if (roundUp) {
      const bumped = (BigInt(digits || '0') + 1n).toString().padStart(digits.length, '0');
      if (bumped.length > digits.length) point++;
      digits = bumped;
    }
  }
  digits = digits.padEnd(point + decimals, '0');
  return { int: digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0', frac: digits.slice(point, point + decimals) };
}

function isNegative(x: number | bigint): boolean {
  return typeof x === 'bigint' ? x < 0n : x < 0 || Object.is(x, -0);
}

function standardFormat(x: number | bigint, kind: NumberKind, spec: string, precisionText: string): string | undefined {
  const upper = spec === spec.toUpperCase();
  const hasPrecision = precisionText.length > 0;
  const precision = hasPrecision ? Number(precisionText) : -1;
  const neg = isNegative(x) && !(typeof x === 'number' && x === 0);
  const sign = neg ? '-' : '';
  const integral = kind === 'int' || kind === 'long';
  switch (spec.toUpperCase()) {
    case 'D': {
      if (!integral) throw formatError('Format specifier was invalid.');
      const abs = typeof x === 'bigint' ? (x < 0n ? -x : x).toString() : String(Math.abs(x));
      return sign + abs.padStart(Math.max(precision, 0), '0');
    }
    case 'X': {
      if (!integral) throw formatError('Format specifier was invalid.');
      let hex: string;
      if (typeof x === 'bigint') hex = BigInt.asUintN(64, x).toString(16);
      else hex = (x >>> 0).toString(16);
      if (typeof x === 'number' && x < 0 && kind === 'int') hex = (x >>> 0).toString(16);
      hex = upper ? hex.toUpperCase() : hex;
      return hex.padStart(Math.max(precision, 0), '0');
    }
    case 'F':
    case 'N': {
      const decimals = hasPrecision ? precision : 2;
      const { int, frac } = fixedParts(x, decimals);
      const intText = spec.toUpperCase() === 'N' ? groupThousands(int) : int;
      const out = intText + (decimals > 0 ? '.' + frac : '');
      return (neg && /[1-9]/.test(out) ? '-' : '') + out;
    }
    case 'P': {
      const decimals = hasPrecision ? precision : 2;
      const scaled = typeof x === 'bigint' ? Number(x) * 100 : x * 100;
      const { int, frac } = fixedParts(scaled, decimals);
      const out = groupThousands(int) + (decimals > 0 ? '.' + frac : '');
      return (neg && /[1-9]/.test(out) ? '-' : '') + out + ' %';
    }
    case 'C': {
      const decimals = hasPrecision ? precision : 2;
      const { int, frac } = fixedParts(x, decimals);
      const out = '¤' + groupThousands(int) + (decimals > 0 ? '.' + frac : '');
      return (neg ? '-' : '') + out;
    }
    case 'E': {
      const decimals = hasPrecision ? precision : 6;
      const n = typeof x === 'bigint' ? Number(x) : x;
      const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(Math.abs(n).toExponential(decimals))!;
      return sign + m[1] + exponentText(Number(m[2]), 3, upper, true);
    }
    case 'G': {
      if (typeof x === 'bigint') return x.toString();
      if (integral) return String(x);
      if (!hasPrecision || precision === 0) return formatDoubleDefault(x, kind === 'float');
      const { digits, point } = shortestDigits(Math.abs(Number(Math.abs(x).toPrecision(precision))), false);
      const exponent = point - 1;
      if (exponent >= precision || exponent < -4) {
        return sign + digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + exponentText(exponent, 2, upper, true);
      }
      return sign + formatDoubleDefault(Number(digits.length ? `0.${digits}e${point}` : '0'));
    }
    case 'R':
      return typeof x === 'bigint' ? x.toString() : formatDoubleDefault(x, kind === 'float');
    default:
      return undefined;
  }
}

interface Section {
  readonly tokens: { placeholder?: '0' | '#'; literal?: string; point?: boolean; group?: boolean; percent?: boolean }[];
}

function parseCustomSection(pattern: string): Section {
  const tokens: Section['tokens'] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '0' || ch === '#') tokens.push({ placeholder: ch });
    else if (ch === '.') tokens.push({ point: true });
    else if (ch === ',') tokens.push({ group: true });
    else if (ch === '%') tokens.push({ percent: true });
    else if (ch === '\\' && i + 1 < pattern.length) tokens.push({ literal: pattern[++i] });
    else if (ch === '"' || ch === "'") {
      const end = pattern.indexOf(ch, i + 1);
      const stop = end < 0 ? pattern.length : end;
      tokens.push({ literal: pattern.slice(i + 1, stop) });
      i = stop;
    } else tokens.push({ literal: ch });
  }
  return { tokens };
}

function splitSections(format: string): string[] {
  const sections: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === '\\' && i + 1 < format.length) {
      current += ch + format[++i];
    } else if (ch === ';') {
      sections.push(current);
      current = '';
    } else current += ch;
  }
  sections.push(current);
  return sections;
}

function customFormat(x: number | bigint, format: string): string {
  const sections = splitSections(format);
  const n = typeof x === 'bigint' ? Number(x) : x;
  let pattern = sections[0];
  let forceNoSign = false;
  if (sections.length >= 2 && n < 0) {
    pattern = sections[1];
    forceNoSign = true;
  }
  if (sections.length >= 3 && n === 0) pattern = sections[2];
  const { tokens } = parseCustomSection(pattern);
  const pointIdx = tokens.findIndex((t) => t.point);
  const intTokens = pointIdx >= 0 ? tokens.slice(0, pointIdx) : tokens;
  const fracTokens = pointIdx >= 0 ? tokens.slice(pointIdx + 1) : [];
  const fracPlaceholders = fracTokens.filter((t) => t.placeholder);
  const minFrac = fracPlaceholders.filter((t) => t.placeholder === '0').length;
  // .NET counts trailing '0's only up to the last one; '#' after a '0' still allows digits.
  const lastZero = fracPlaceholders.map((t) => t.placeholder).lastIndexOf('0');
  const minFracDigits = lastZero + 1 || minFrac;
  const maxFrac = fracPlaceholders.length;
  const grouping = intTokens.some((t, i) => t.group && intTokens.slice(0, i).some((p) => p.placeholder) && intTokens.slice(i + 1).some((p) => p.placeholder));
  const percent = tokens.some((t) => t.percent);
  let value = percent ? n * 100 : n;
  if (typeof x === 'bigint' && !percent) value = n;
  const { int, frac } = typeof x === 'bigint' && !percent ? fixedParts(x, maxFrac) : customParts(value, maxFrac);
  let fracDigits = frac;
  while (fracDigits.length > minFracDigits && fracDigits.endsWith('0')) fracDigits = fracDigits.slice(0, -1);
  const intPlaceholders = intTokens.filter((t) => t.placeholder);
  const firstZero = intPlaceholders.findIndex((t) => t.placeholder === '0');
  const minInt = firstZero < 0 ? 0 : intPlaceholders.length - firstZero;
  let intDigits = int === '0' ? '' : int;
  intDigits = intDigits.padStart(minInt, '0');
  if (grouping) intDigits = groupThousands(intDigits);

  // Fill integer placeholders right to left; surplus digits go to the leftmost placeholder.
  const literalText = (t: Section['tokens'][number]): string => (t.literal ?? '') + (t.percent ? '%' : '');
  const out: string[] = [];
  if (grouping) {
    const first = intTokens.findIndex((t) => t.placeholder);
    const last = intTokens.map((t) => !!t.placeholder).lastIndexOf(true);
    out.push(intTokens.slice(last + 1).map(literalText).join(''), intDigits, intTokens.slice(0, first).map(literalText).join(''));
  } else {
    let remaining = intDigits;
    let seen = 0;
    for (let i = intTokens.length - 1; i >= 0; i--) {
      const t = intTokens[i];
      if (t.placeholder) {
        seen++;
        if (seen === intPlaceholders.length) {
          out.push(remaining);
          remaining = '';
        } else {
          out.push(remaining.slice(-1));
          remaining = remaining.slice(0, -1);
        }
      } else out.push(literalText(t));
    }
  }
  let text = out.reverse().join('');
  if (pointIdx >= 0) {
    let fi = 0;
    let fracText = '';
    for (const t of fracTokens) {
      if (t.placeholder) {
        if (fi < fracDigits.length) fracText += fracDigits[fi];
        fi++;
      } else if (t.literal !== undefined) fracText += t.literal;
      else if (t.percent) fracText += '%';
    }
    if (fracDigits.length > 0) text += '.' + fracText;
    else text += fracText.replace(/\d/g, '');
  }
  const isZero = !/[1-9]/.test(intDigits + fracDigits);
  const negative = n < 0 && !forceNoSign && !isZero;
  return (negative ? '-' : '') + text;
}

/** `x.ToString(format)` for any numeric kind under the invariant culture. */
export function formatNumber(x: number | bigint, kind: NumberKind, format: string | null | undefined): string {
  if (format === null || format === undefined || format === '') {
    if (typeof x === 'bigint') return x.toString();
    return kind === 'int' ? String(x) : formatDoubleDefault(x, kind === 'float');
  }
  if (typeof x === 'number' && !Number.isFinite(x)) return formatDoubleDefault(x);
  const m = /^([A-Za-z])(\d{0,9})$/.exec(format);
  if (m) {
    const standard = standardFormat(x, kind, m[1], m[2]);
    if (standard !== undefined) return standard;
    throw formatError('Format specifier was invalid.');
  }
  return customFormat(x, format);
}
