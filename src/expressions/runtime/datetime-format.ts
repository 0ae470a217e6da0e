/**
 * DateTime / DateTimeOffset text under the invariant culture: standard formats ("o", "R",
 * "s", "u", "d", "G"…), custom patterns ("yyyy-MM-ddTHH:mm:ssZ"), ParseExact for those
 * patterns, and the forgiving Parse that accepts ISO 8601, RFC 1123 and MM/dd/yyyy text.
 */
import { formatError } from './exceptions.js';
import { TICKS_PER_MINUTE, daysInMonth, fieldsOf, ticksFromParts } from './calendar.js';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** What a format needs to know about the value besides its clock ticks. */
export interface Moment {
  /** Clock ticks (the local wall time for DateTimeOffset and Local DateTime). */
  readonly ticks: bigint;
  /** UTC offset in minutes, or null for an Unspecified DateTime. */
  readonly offsetMinutes: number | null;
  /** 'K' prints 'Z' for UTC DateTimes, an offset for Local/DateTimeOffset, nothing for Unspecified. */
  readonly kSuffix: 'Z' | 'offset' | '';
}

const STANDARD_DATETIME: Readonly<Record<string, string>> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  M: 'MMMM dd',
  m: 'MMMM dd',
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  Y: 'yyyy MMMM',
  y: 'yyyy MMMM',
};

/** Expand a one-letter standard format to its custom pattern (undefined: already custom). */
export function expandStandard(format: string): string | undefined {
  return format.length === 1 ? STANDARD_DATETIME[format] : undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function offsetText(minutes: number, style: 'h' | 'hh' | 'hh:mm'): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  if (style === 'h') return `${sign}${h}`;
  if (style === 'hh') return `${sign}${pad(h, 2)}`;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}`;
}

function runLength(format: string, i: number): number {
  let n = 1;
  while (format[i + n] === format[i]) n++;
  return n;
}

/** Apply a custom pattern. */
export function formatCustom(m: Moment, format: string, localOffset: () => number): string {
  const f = fieldsOf(m.ticks);
  let out = '';
  for (let i = 0; i < format.length; ) {
    const ch = format[i];
    const n = runLength(format, i);
    switch (ch) {
      case 'd':
        out += n === 1 ? String(f.day) : n === 2 ? pad(f.day, 2) : n === 3 ? DAY_NAMES[f.dayOfWeek].slice(0, 3) : DAY_NAMES[f.dayOfWeek];
        i += n;
        break;
      case 'M':
        out += n === 1 ? String(f.month) : n === 2 ? pad(f.month, 2) : n === 3 ? MONTH_NAMES[f.month - 1].slice(0, 3) : MONTH_NAMES[f.month - 1];
        i += n;
        break;
      case 'y':
        out += n === 1 ? String(f.year % 100) : n === 2 ? pad(f.year % 100, 2) : pad(f.year, n);
        i += n;
        break;
      case 'H':
        out += n === 1 ? String(f.hour) : pad(f.hour, 2);
        i += n;
        break;
      case 'h': {
        const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
        out += n === 1 ? String(h12) : pad(h12, 2);
        i += n;
        break;
      }
      case 'm':
        out += n === 1 ? String(f.minute) : pad(f.minute, 2);
        i += n;
        break;
      case 's':
        out += n === 1 ? String(f.second) : pad(f.second, 2);
        i += n;
        break;
      case 'f':
      case 'F': {
        const digits = pad(f.fraction, 7).slice(0, Math.min(n, 7));
        out += ch === 'F' ? digits.replace(/0+$/, '') : digits;
        // An all-zero 'F' fraction also drops a '.' right before it.
        if (ch === 'F' && digits.replace(/0+$/, '') === '' && out.endsWith('.')) out = out.slice(0, -1);
        i += n;
        break;
      }
      case 't':
        out += n === 1 ? (f.hour < 12 ? 'A' : 'P') : f.hour < 12 ? 'AM' : 'PM';
        i += n;
        break;
      case 'z': {
        const off = m.offsetMinutes ?? localOffset();
        out += offsetText(off, n === 1 ? 'h' : n === 2 ? 'hh' : 'hh:mm');
        i += n;
        break;
      }
      case 'K':
        out += m.kSuffix === 'Z' ? 'Z' : m.kSuffix === 'offset' ? offsetText(m.offsetMinutes ?? localOffset(), 'hh:mm') : '';
        i += 1;
        break;
      case 'g':
        out += 'A.D.';
        i += n;
        break;
      case ':':
      case '/':
        out += ch;
        i += 1;
        break;
      case "'":
      case '"': {
        const end = format.indexOf(ch, i + 1);
        if (end < 0) throw formatError(`Cannot find a matching quote character for the character '${ch}'.`);
        out += format.slice(i + 1, end);
        i = end + 1;
        break;
      }
      case '\\':
        out += format[i + 1] ?? '';
        i += 2;
        break;
      case '%':
        i += 1;
        break;
      default:
        out += ch;
        i += 1;
    }
  }
  return out;
}

// ------------------------------------------------------------------ parsing

export interface ParsedDate {
  /** Clock ticks as written. */
  readonly ticks: bigint;
  /** Offset written in the text (minutes), when it had one ('Z' and 'GMT' are 0). */
  readonly offsetMinutes?: number;
}

const MONTH_ABBR = MONTH_NAMES.map((n) => n.slice(0, 3).toLowerCase());

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string | undefined, text: string): bigint {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59 || y < 1 || y > 9999) {
    throw formatError(`String '${text}' was not recognized as a valid DateTime.`);
  }
  const frac = fraction ? BigInt(fraction.slice(0, 7).padEnd(7, '0')) : 0n;
  return ticksFromParts(y, mo, d, h, mi, s) + frac;
}

function offsetFrom(sign: string, hh: string, mm: string | undefined): number {
  const v = Number(hh) * 60 + Number(mm ?? 0);
  return sign === '-' ? -v : v;
}

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;
const RFC1123 = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|Z|[+-]\d{4})?\s*$/i;
const US = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?)?\s*$/;
const YMD_SLASH = /^\s*(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/;

/** DateTime.Parse under the invariant culture. */
export function parseGeneral(text: string): ParsedDate {
  let m = ISO.exec(text);
  if (m) {
    const ticks = build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7], text);
    if (!m[8]) return { ticks };
    if (m[8].toUpperCase() === 'Z') return { ticks, offsetMinutes: 0 };
    const om = /^([+-])(\d{2}):?(\d{2})?$/.exec(m[8])!;
    return { ticks, offsetMinutes: offsetFrom(om[1], om[2], om[3]) };
  }
  m = RFC1123.exec(text);
  if (m) {
    const month = MONTH_ABBR.indexOf(m[2].toLowerCase()) + 1;
    if (month === 0) throw formatError(`String '${text}' was not recognized as a valid DateTime.`);
    const ticks = build(+m[3], month, +m[1], +m[4], +m[5], +(m[6] ?? 0), undefined, text);
    if (!m[7]) return { ticks };
    const zone = m[7].toUpperCase();
    if (zone === 'GMT' || zone === 'UTC' || zone === 'Z') return { ticks, offsetMinutes: 0 };
    return { ticks, offsetMinutes: offsetFrom(zone[0], zone.slice(1, 3), zone.slice(3, 5)) };
  }
  m = US.exec(text);
  if (m) {
    let h = +(m[4] ?? 0);
    if (m[8]) {
      const pm = m[8].toLowerCase() === 'pm';
      if (h === 12) h = pm ? 12 : 0;
      else if (pm) h += 12;
    }
    return { ticks: build(+m[3], +m[1], +m[2], h, +(m[5] ?? 0), +(m[6] ?? 0), m[7], text) };
  }
  m = YMD_SLASH.exec(text);
  if (m) return { ticks: build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), undefined, text) };
  throw formatError(`String '${text}' was not recognized as a valid DateTime.`);
}

interface FieldCapture {
  readonly field: 'y' | 'M' | 'MMM' | 'MMMM' | 'd' | 'H' | 'h' | 'm' | 's' | 'f' | 't' | 'z' | 'K' | 'ddd';
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** DateTime.ParseExact for a custom or standard pattern. */
export function parseExact(text: string, format: string): ParsedDate {
  const pattern = expandStandard(format) ?? format;
  const captures: FieldCapture[] = [];
  let re = '^';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i];
    const n = runLength(pattern, i);
    const add = (field: FieldCapture['field'], rx: string): void => {
      captures.push({ field });
      re += `(${rx})`;
    };
    switch (ch) {
      case 'y':
        add('y', n <= 2 ? '\\d{1,2}' : `\\d{${n}}`);
        i += n;
        break;
      case 'M':
        if (n >= 4) add('MMMM', '[A-Za-z]+');
        else if (n === 3) add('MMM', '[A-Za-z]{3}');
        else add('M', n === 2 ? '\\d{2}' : '\\d{1,2}');
        i += n;
        break;
      case 'd':
        if (n >= 3) add('ddd', '[A-Za-z]+');
        else add('d', n === 2 ? '\\d{2}' : '\\d{1,2}');
        i += n;
        break;
      case 'H':
      case 'h':
      case 'm':
      case 's':
        add(ch, n === 2 ? '\\d{2}' : '\\d{1,2}');
        i += n;
        break;
      case 'f':
      case 'F':
        add('f', ch === 'f' ? `\\d{${Math.min(n, 7)}}` : `\\d{0,${Math.min(n, 7)}}`);
        i += n;
        break;
      case 't':
        add('t', n === 1 ? '[AaPp]' : '[AaPp][Mm]');
        i += n;
        break;
      case 'z':
        add('z', n >= 3 ? '[+-]\\d{2}:\\d{2}' : n === 2 ? '[+-]\\d{2}' : '[+-]\\d{1,2}');
        i += n;
        break;
      case 'K':
        add('K', 'Z|[+-]\\d{2}:\\d{2}|');
        i += 1;
        break;
      case "'":
      case '"': {
        const end = pattern.indexOf(ch, i + 1);
        re += escapeRegex(pattern.slice(i + 1, end < 0 ? pattern.length : end));
        i = end < 0 ? pattern.length : end + 1;
        break;
      }
      case '\\':
        re += escapeRegex(pattern[i + 1] ?? '');
        i += 2;
        break;
      case '%':
        i += 1;
        break;
      default:
        re += escapeRegex(ch);
        i += 1;
    }
  }
  const m = new RegExp(`${re}$`).exec(text.trim());
  if (!m) throw formatError(`String '${text}' was not recognized as a valid DateTime.`);
  let y = 1;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let frac: string | undefined;
  let pm: boolean | undefined;
  let offsetMinutes: number | undefined;
  captures.forEach((cap, idx) => {
    const v = m[idx + 1];
    switch (cap.field) {
      case 'y':
        y = v.length <= 2 ? 2000 + Number(v) - (Number(v) > 49 ? 100 : 0) : Number(v);
        break;
      case 'M':
        mo = Number(v);
        break;
      case 'MMM':
        mo = MONTH_ABBR.indexOf(v.toLowerCase()) + 1;
        break;
      case 'MMMM':
        mo = MONTH_NAMES.findIndex((x) => x.toLowerCase() === v.toLowerCase()) + 1;
        break;
      case 'd':
        d = Number(v);
        break;
      case 'H':
      case 'h':
        h = Number(v);
        break;
      case 'm':
        mi = Number(v);
        break;
      case 's':
        s = Number(v);
        break;
      case 'f':
        frac = v;
        break;
      case 't':
        pm = v.toLowerCase().startsWith('p');
        break;
      case 'z':
      case 'K': {
        if (v === '') break;
        if (v.toUpperCase() === 'Z') offsetMinutes = 0;
        else {
          const om = /^([+-])(\d{1,2})(?::(\d{2}))?$/.exec(v)!;
          offsetMinutes = offsetFrom(om[1], om[2], om[3]);
        }
        break;
      }
      default:
        break;
    }
  });
  if (pm !== undefined) {
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  if (/'GMT'|'Z'$/.test(pattern) && offsetMinutes === undefined) offsetMinutes = 0;
  const ticks = build(y, mo, d, h, mi, s, frac, text);
  return offsetMinutes === undefined ? { ticks } : { ticks, offsetMinutes };
}

export function minutesToTicks(minutes: number): bigint {
  return BigInt(minutes) * TICKS_PER_MINUTE;
}
