/**
 * System.DateTime, System.DateTimeOffset and System.TimeSpan with .NET's 100 ns tick
 * precision (bigint ticks), DateTimeKind handling, arithmetic operators and formatting.
 */
import { defineType, type MemberBuilder } from '../types/registry.js';
import { argumentNull, argumentOutOfRange, formatError, overflow } from './exceptions.js';
import { CLR_TYPE } from './object.js';
import {
  MAX_TICKS,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_MINUTE,
  TICKS_PER_MS,
  TICKS_PER_SECOND,
  UNIX_EPOCH_TICKS,
  daysInMonth,
  fieldsOf,
  isLeapYear,
  localOffsetMinutes,
  nowUtcTicks,
  ticksFromDouble,
  ticksFromParts,
} from './calendar.js';
import { expandStandard, formatCustom, minutesToTicks, parseExact, parseGeneral, type Moment } from './datetime-format.js';

export const Kind = { Unspecified: 0, Utc: 1, Local: 2 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const DateTimeStyles = { AdjustToUniversal: 16, AssumeLocal: 32, AssumeUniversal: 64, RoundtripKind: 128 } as const;

interface OutCell {
  value: unknown;
}

function checkRange(ticks: bigint): bigint {
  if (ticks < 0n || ticks > MAX_TICKS) {
    throw argumentOutOfRange('value', 'The added or subtracted value results in an un-representable DateTime.');
  }
  return ticks;
}

export class ClrTimeSpan {
  readonly [CLR_TYPE] = 'System.TimeSpan';
  constructor(readonly ticks: bigint) {}
  equals(o: unknown): boolean {
    return o instanceof ClrTimeSpan && o.ticks === this.ticks;
  }
  compareTo(o: unknown): number {
    const t = (o as ClrTimeSpan).ticks;
    return this.ticks < t ? -1 : this.ticks > t ? 1 : 0;
  }
  /** "[-][d.]hh:mm:ss[.fffffff]" (the "c" format). */
  toString(): string {
    const neg = this.ticks < 0n;
    let t = neg ? -this.ticks : this.ticks;
    const days = t / TICKS_PER_DAY;
    t %= TICKS_PER_DAY;
    const h = t / TICKS_PER_HOUR;
    t %= TICKS_PER_HOUR;
    const m = t / TICKS_PER_MINUTE;
    t %= TICKS_PER_MINUTE;
    const s = t / TICKS_PER_SECOND;
    const frac = t % TICKS_PER_SECOND;
    const two = (x: bigint): string => x.toString().padStart(2, '0');
    return `${neg ? '-' : ''}${days > 0n ? `${days}.` : ''}${two(h)}:${two(m)}:${two(s)}${frac > 0n ? `.${frac.toString().padStart(7, '0')}` : ''}`;
  }
  format(fmt: string): string {
    return formatTimeSpan(this, fmt);
  }
}

export class ClrDateTime {
  readonly [CLR_TYPE] = 'System.DateTime';
  constructor(
    readonly ticks: bigint,
    readonly kind: Kind = Kind.Unspecified,
  ) {}
  equals(o: unknown): boolean {
    return o instanceof ClrDateTime && o.ticks === this.ticks;
  }
  compareTo(o: unknown): number {
    const t = (o as ClrDateTime).ticks;
    return this.ticks < t ? -1 : this.ticks > t ? 1 : 0;
  }
  moment(): Moment {
    if (this.kind === Kind.Utc) return { ticks: this.ticks, offsetMinutes: 0, kSuffix: 'Z' };
    if (this.kind === Kind.Local) return { ticks: this.ticks, offsetMinutes: localOffsetOfLocal(this.ticks), kSuffix: 'offset' };
    return { ticks: this.ticks, offsetMinutes: null, kSuffix: '' };
  }
  toString(): string {
    return formatDateTime(this, 'G');
  }
  format(fmt: string): string {
    return formatDateTime(this, fmt);
  }
}

export class ClrDateTimeOffset {
  readonly [CLR_TYPE] = 'System.DateTimeOffset';
  /** `ticks` are clock ticks at `offsetMinutes`. */
  constructor(
    readonly ticks: bigint,
    readonly offsetMinutes: number,
  ) {}
  get utcTicks(): bigint {
    return this.ticks - minutesToTicks(this.offsetMinutes);
  }
  equals(o: unknown): boolean {
    return o instanceof ClrDateTimeOffset && o.utcTicks === this.utcTicks;
  }
  compareTo(o: unknown): number {
    const t = (o as ClrDateTimeOffset).utcTicks;
    return this.utcTicks < t ? -1 : this.utcTicks > t ? 1 : 0;
  }
  toString(): string {
    return formatOffset(this, 'G') + ' ' + formatOffset(this, 'zzz');
  }
  format(fmt: string): string {
    return formatOffset(this, fmt);
  }
}

/** Offset of the host zone for a local clock time (approximated at the same instant read as UTC). */
function localOffsetOfLocal(localTicks: bigint): number {
  const guess = localOffsetMinutes(localTicks);
  return localOffsetMinutes(localTicks - minutesToTicks(guess));
}

export function toUniversal(d: ClrDateTime): ClrDateTime {
  if (d.kind === Kind.Utc) return d;
  return new ClrDateTime(d.ticks - minutesToTicks(localOffsetOfLocal(d.ticks)), Kind.Utc);
}

export function toLocal(d: ClrDateTime): ClrDateTime {
  if (d.kind === Kind.Local) return d;
  return new ClrDateTime(d.ticks + minutesToTicks(localOffsetMinutes(d.ticks)), Kind.Local);
}

export function utcNow(): ClrDateTime {
  return new ClrDateTime(nowUtcTicks(), Kind.Utc);
}

export function localNow(): ClrDateTime {
  return toLocal(utcNow());
}

/** A JS Date (from the gateway's context) as a UTC DateTime. */
export function fromJsDate(d: Date): ClrDateTime {
  return new ClrDateTime(UNIX_EPOCH_TICKS + BigInt(d.getTime()) * TICKS_PER_MS, Kind.Utc);
}

/**
 * A JS Date as `DateTime.ToString(format)` prints it under the invariant culture (UTC):
 * for templates outside expressions (set-body's Liquid `Date` filter). Throws a FormatException
 * (as a CLR exception) for an unknown one-letter format.
 */
export function formatDateTimeInvariant(date: Date, format: string): string {
  return formatDateTime(fromJsDate(date), format);
}

function formatDateTime(d: ClrDateTime, format: string | null): string {
  const fmt = format === null || format === '' ? 'G' : format;
  let value = d;
  if (fmt === 'U') value = toUniversal(d);
  const pattern = expandStandard(fmt);
  if (fmt.length === 1 && pattern === undefined) throw formatError('Input string was not in a correct format.');
  return formatCustom(value.moment(), pattern ?? fmt, () => localOffsetMinutes(nowUtcTicks()));
}

function formatOffset(d: ClrDateTimeOffset, format: string | null): string {
  const fmt = format === null || format === '' ? 'G' : format;
  let moment: Moment = { ticks: d.ticks, offsetMinutes: d.offsetMinutes, kSuffix: 'offset' };
  if (fmt === 'R' || fmt === 'r' || fmt === 'u') moment = { ticks: d.utcTicks, offsetMinutes: 0, kSuffix: 'Z' };
  let pattern = expandStandard(fmt);
  if (fmt === 'o' || fmt === 'O') pattern = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffzzz";
  if (fmt.length === 1 && pattern === undefined) throw formatError('Input string was not in a correct format.');
  return formatCustom(moment, pattern ?? fmt, () => d.offsetMinutes);
}

function formatTimeSpan(t: ClrTimeSpan, format: string | null): string {
  if (format === null || format === '' || format === 'c' || format === 't' || format === 'T') return t.toString();
  const neg = t.ticks < 0n;
  let abs = neg ? -t.ticks : t.ticks;
  const days = abs / TICKS_PER_DAY;
  abs %= TICKS_PER_DAY;
  const h = Number(abs / TICKS_PER_HOUR);
  abs %= TICKS_PER_HOUR;
  const m = Number(abs / TICKS_PER_MINUTE);
  abs %= TICKS_PER_MINUTE;
  const s = Number(abs / TICKS_PER_SECOND);
  const frac = Number(abs % TICKS_PER_SECOND);
  const two = (x: number): string => String(x).padStart(2, '0');
  if (format === 'g' || format === 'G') {
    const fracText = format === 'G' || frac > 0 ? `.${String(frac).padStart(7, '0')}` : '';
    const dayText = format === 'G' || days > 0n ? `${days}:` : '';
    return `${neg ? '-' : ''}${dayText}${format === 'G' ? two(h) : h}:${two(m)}:${two(s)}${fracText}`;
  }
  let out = '';
  for (let i = 0; i < format.length; ) {
    const ch = format[i];
    let n = 1;
    while (format[i + n] === ch) n++;
    switch (ch) {
      case 'd':
        out += days.toString().padStart(n, '0');
        break;
      case 'h':
        out += n >= 2 ? two(h) : String(h);
        break;
      case 'm':
        out += n >= 2 ? two(m) : String(m);
        break;
      case 's':
        out += n >= 2 ? two(s) : String(s);
        break;
      case 'f':
        out += String(frac).padStart(7, '0').slice(0, n);
        break;
      case 'F':
        out += String(frac).padStart(7, '0').slice(0, n).replace(/0+$/, '');
        break;
      case '\\':
        out += format[i + 1] ?? '';
        n = 2;
        break;
      case "'":
      case '"': {
        const end = format.indexOf(ch, i + 1);
        out += format.slice(i + 1, end < 0 ? format.length : end);
        n = (end < 0 ? format.length : end + 1) - i;
        break;
      }
      default:
        throw formatError('Input string was not in a correct format.');
    }
    i += n;
  }
  return out;
}

/** DateTime.Parse: text with an offset is converted to local time, as .NET does. */
function parseDateTime(text: string | null, styles = 0): ClrDateTime {
  if (text === null) throw argumentNull('s');
  return fromParsed(parseGeneral(text), styles);
}

function fromParsed(p: { ticks: bigint; offsetMinutes?: number }, styles: number): ClrDateTime {
  if (p.offsetMinutes === undefined) {
    if (styles & DateTimeStyles.AssumeUniversal) {
      const utc = new ClrDateTime(p.ticks, Kind.Utc);
      return styles & DateTimeStyles.AdjustToUniversal ? utc : toLocal(utc);
    }
    return new ClrDateTime(p.ticks, styles & DateTimeStyles.AssumeLocal ? Kind.Local : Kind.Unspecified);
  }
  const utc = new ClrDateTime(p.ticks - minutesToTicks(p.offsetMinutes), Kind.Utc);
  if (styles & (DateTimeStyles.AdjustToUniversal | DateTimeStyles.RoundtripKind)) return utc;
  return toLocal(utc);
}

function parseOffset(text: string | null): ClrDateTimeOffset {
  if (text === null) throw argumentNull('input');
  const p = parseGeneral(text);
  const offset = p.offsetMinutes ?? localOffsetMinutes(p.ticks);
  return new ClrDateTimeOffset(p.ticks, offset);
}

function tryOut<T>(out: OutCell, fallback: T, parse: () => T): boolean {
  try {
    out.value = parse();
    return true;
  } catch {
    out.value = fallback;
    return false;
  }
}

function addTicks(d: ClrDateTime, ticks: bigint): ClrDateTime {
  return new ClrDateTime(checkRange(d.ticks + ticks), d.kind);
}

function addMonths(d: ClrDateTime, months: number): ClrDateTime {
  if (months < -120000 || months > 120000) throw argumentOutOfRange('months');
  const f = fieldsOf(d.ticks);
  const total = f.year * 12 + (f.month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  if (y < 1 || y > 9999) throw argumentOutOfRange('months', 'The added or subtracted value results in an un-representable DateTime.');
  const day = Math.min(f.day, daysInMonth(y, m));
  return new ClrDateTime(ticksFromParts(y, m, day) + (d.ticks % TICKS_PER_DAY), d.kind);
}

function dateOnly(ticks: bigint): bigint {
  return ticks - (ticks % TICKS_PER_DAY);
}

function validatedParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): bigint {
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0 || ms > 999) {
    throw argumentOutOfRange('year', 'Year, Month, and Day parameters describe an un-representable DateTime.');
  }
  return ticksFromParts(y, mo, d, h, mi, s, ms);
}

const ts = (t: bigint): ClrTimeSpan => new ClrTimeSpan(t);

defineType({
  name: 'TimeSpan',
  namespace: 'System',
  valueType: true,
  defaultValue: () => ts(0n),
  isInstance: (v) => v instanceof ClrTimeSpan,
  members: (b) => {
    b.ctor('(long ticks)', (t: bigint) => ts(t));
    b.ctor('(int hours, int minutes, int seconds)', (h: number, m: number, s: number) => ts(BigInt(h) * TICKS_PER_HOUR + BigInt(m) * TICKS_PER_MINUTE + BigInt(s) * TICKS_PER_SECOND));
    b.ctor('(int days, int hours, int minutes, int seconds)', (d: number, h: number, m: number, s: number) =>
      ts(BigInt(d) * TICKS_PER_DAY + BigInt(h) * TICKS_PER_HOUR + BigInt(m) * TICKS_PER_MINUTE + BigInt(s) * TICKS_PER_SECOND),
    );
    b.ctor('(int days, int hours, int minutes, int seconds, int milliseconds)', (d: number, h: number, m: number, s: number, ms: number) =>
      ts(BigInt(d) * TICKS_PER_DAY + BigInt(h) * TICKS_PER_HOUR + BigInt(m) * TICKS_PER_MINUTE + BigInt(s) * TICKS_PER_SECOND + BigInt(ms) * TICKS_PER_MS),
    );
    b.staticProp('Zero', 'TimeSpan', () => ts(0n));
    b.staticProp('MaxValue', 'TimeSpan', () => ts(2n ** 63n - 1n));
    b.staticProp('MinValue', 'TimeSpan', () => ts(-(2n ** 63n)));
    b.staticMethod('FromDays', 'TimeSpan(double value)', (v: number) => ts(ticksFromDouble(v, 86_400_000)));
    b.staticMethod('FromHours', 'TimeSpan(double value)', (v: number) => ts(ticksFromDouble(v, 3_600_000)));
    b.staticMethod('FromMinutes', 'TimeSpan(double value)', (v: number) => ts(ticksFromDouble(v, 60_000)));
    b.staticMethod('FromSeconds', 'TimeSpan(double value)', (v: number) => ts(ticksFromDouble(v, 1000)));
    b.staticMethod('FromMilliseconds', 'TimeSpan(double value)', (v: number) => ts(ticksFromDouble(v, 1)));
    b.staticMethod('FromTicks', 'TimeSpan(long value)', (v: bigint) => ts(v));
    b.staticMethod('Parse', 'TimeSpan(string s)', parseTimeSpan);
    b.staticMethod('TryParse', 'bool(string s, out TimeSpan result)', (s: string | null, out: OutCell) => tryOut(out, ts(0n), () => parseTimeSpan(s)));
    b.staticMethod('Compare', 'int(TimeSpan t1, TimeSpan t2)', (a: ClrTimeSpan, c: ClrTimeSpan) => a.compareTo(c));
    b.prop('Ticks', 'long', (t: ClrTimeSpan) => t.ticks);
    b.prop('Days', 'int', (t: ClrTimeSpan) => Number(t.ticks / TICKS_PER_DAY));
    b.prop('Hours', 'int', (t: ClrTimeSpan) => Number((t.ticks / TICKS_PER_HOUR) % 24n));
    b.prop('Minutes', 'int', (t: ClrTimeSpan) => Number((t.ticks / TICKS_PER_MINUTE) % 60n));
    b.prop('Seconds', 'int', (t: ClrTimeSpan) => Number((t.ticks / TICKS_PER_SECOND) % 60n));
    b.prop('Milliseconds', 'int', (t: ClrTimeSpan) => Number((t.ticks / TICKS_PER_MS) % 1000n));
    b.prop('TotalDays', 'double', (t: ClrTimeSpan) => Number(t.ticks) / Number(TICKS_PER_DAY));
    b.prop('TotalHours', 'double', (t: ClrTimeSpan) => Number(t.ticks) / Number(TICKS_PER_HOUR));
    b.prop('TotalMinutes', 'double', (t: ClrTimeSpan) => Number(t.ticks) / Number(TICKS_PER_MINUTE));
    b.prop('TotalSeconds', 'double', (t: ClrTimeSpan) => Number(t.ticks) / Number(TICKS_PER_SECOND));
    b.prop('TotalMilliseconds', 'double', (t: ClrTimeSpan) => Number(t.ticks) / Number(TICKS_PER_MS));
    b.method('Add', 'TimeSpan(TimeSpan ts)', (a: ClrTimeSpan, c: ClrTimeSpan) => ts(a.ticks + c.ticks));
    b.method('Subtract', 'TimeSpan(TimeSpan ts)', (a: ClrTimeSpan, c: ClrTimeSpan) => ts(a.ticks - c.ticks));
    b.method('Negate', 'TimeSpan()', (a: ClrTimeSpan) => ts(-a.ticks));
    b.method('Duration', 'TimeSpan()', (a: ClrTimeSpan) => ts(a.ticks < 0n ? -a.ticks : a.ticks));
    b.method('ToString', 'string()', (a: ClrTimeSpan) => a.toString());
    b.method('ToString', 'string(string format)', (a: ClrTimeSpan, f: string | null) => formatTimeSpan(a, f));
    b.method('ToString', 'string(string format, IFormatProvider formatProvider)', (a: ClrTimeSpan, f: string | null) => formatTimeSpan(a, f));
    b.method('CompareTo', 'int(TimeSpan value)', (a: ClrTimeSpan, c: ClrTimeSpan) => a.compareTo(c));
    b.method('Equals', 'bool(TimeSpan obj)', (a: ClrTimeSpan, c: ClrTimeSpan) => a.equals(c));
    b.staticMethod('op_Addition', 'TimeSpan(TimeSpan t1, TimeSpan t2)', (a: ClrTimeSpan, c: ClrTimeSpan) => ts(a.ticks + c.ticks));
    b.staticMethod('op_Subtraction', 'TimeSpan(TimeSpan t1, TimeSpan t2)', (a: ClrTimeSpan, c: ClrTimeSpan) => ts(a.ticks - c.ticks));
    b.staticMethod('op_Multiply', 'TimeSpan(TimeSpan timeSpan, double factor)', (a: ClrTimeSpan, f: number) => ts(BigInt(Math.round(Number(a.ticks) * f))));
    b.staticMethod('op_Division', 'TimeSpan(TimeSpan timeSpan, double divisor)', (a: ClrTimeSpan, f: number) => ts(BigInt(Math.round(Number(a.ticks) / f))));
    b.staticMethod('op_Division', 'double(TimeSpan t1, TimeSpan t2)', (a: ClrTimeSpan, c: ClrTimeSpan) => Number(a.ticks) / Number(c.ticks));
    addComparisons(b, 'TimeSpan');
  },
});

/** Year…DayOfWeek: DateTime and DateTimeOffset both read them from their clock ticks. */
function addCalendarFields(b: MemberBuilder): void {
  const field = (name: string, get: (f: ReturnType<typeof fieldsOf>) => number): void =>
    b.prop(name, 'int', (d: ClrDateTime | ClrDateTimeOffset) => get(fieldsOf(d.ticks)));
  field('Year', (f) => f.year);
  field('Month', (f) => f.month);
  field('Day', (f) => f.day);
  field('Hour', (f) => f.hour);
  field('Minute', (f) => f.minute);
  field('Second', (f) => f.second);
  field('Millisecond', (f) => f.millisecond);
  field('DayOfYear', (f) => f.dayOfYear);
  b.prop('DayOfWeek', 'DayOfWeek', (d: ClrDateTime | ClrDateTimeOffset) => fieldsOf(d.ticks).dayOfWeek);
}

function addComparisons(b: MemberBuilder, t: string): void {
  const cmp = (a: { compareTo(o: unknown): number }, c: unknown): number => a.compareTo(c);
  b.staticMethod('op_Equality', `bool(${t} a, ${t} b)`, (a: { equals(o: unknown): boolean }, c: unknown) => a.equals(c));
  b.staticMethod('op_Inequality', `bool(${t} a, ${t} b)`, (a: { equals(o: unknown): boolean }, c: unknown) => !a.equals(c));
  b.staticMethod('op_LessThan', `bool(${t} a, ${t} b)`, (a: { compareTo(o: unknown): number }, c: unknown) => cmp(a, c) < 0);
  b.staticMethod('op_GreaterThan', `bool(${t} a, ${t} b)`, (a: { compareTo(o: unknown): number }, c: unknown) => cmp(a, c) > 0);
  b.staticMethod('op_LessThanOrEqual', `bool(${t} a, ${t} b)`, (a: { compareTo(o: unknown): number }, c: unknown) => cmp(a, c) <= 0);
  b.staticMethod('op_GreaterThanOrEqual', `bool(${t} a, ${t} b)`, (a: { compareTo(o: unknown): number }, c: unknown) => cmp(a, c) >= 0);
}

function parseTimeSpan(text: string | null): ClrTimeSpan {
  if (text === null) throw argumentNull('input');
  const m = /^\s*(-)?(?:(\d+)\.(?=\d+:))?(\d+)(?::(\d+)(?::(\d+)(?:\.(\d{1,7}))?)?)?\s*$/.exec(text);
  if (!m) throw formatError(`String '${text}' was not recognized as a valid TimeSpan.`);
  const days = BigInt(m[2] ?? 0);
  let ticks: bigint;
  if (m[4] === undefined) {
    ticks = BigInt(m[3]) * TICKS_PER_DAY;
  } else {
    const h = Number(m[3]);
    const mi = Number(m[4]);
    const s = Number(m[5] ?? 0);
    if (h > 23 || mi > 59 || s > 59) throw overflow('The TimeSpan string could not be parsed because at least one of the numeric components is out of range or contains too many digits.');
    ticks = days * TICKS_PER_DAY + BigInt(h) * TICKS_PER_HOUR + BigInt(mi) * TICKS_PER_MINUTE + BigInt(s) * TICKS_PER_SECOND + BigInt((m[6] ?? '').padEnd(7, '0') || '0');
  }
  return ts(m[1] ? -ticks : ticks);
}

const dt = (t: bigint, k: Kind): ClrDateTime => new ClrDateTime(t, k);

defineType({
  name: 'DateTime',
  namespace: 'System',
  valueType: true,
  defaultValue: () => dt(0n, Kind.Unspecified),
  isInstance: (v) => v instanceof ClrDateTime,
  members: (b) => {
    b.ctor('(long ticks)', (t: bigint) => dt(checkRange(t), Kind.Unspecified));
    b.ctor('(long ticks, DateTimeKind kind)', (t: bigint, k: Kind) => dt(checkRange(t), k));
    b.ctor('(int year, int month, int day)', (y: number, m: number, d: number) => dt(validatedParts(y, m, d), Kind.Unspecified));
    b.ctor('(int year, int month, int day, int hour, int minute, int second)', (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
      dt(validatedParts(y, mo, d, h, mi, s), Kind.Unspecified),
    );
    b.ctor('(int year, int month, int day, int hour, int minute, int second, DateTimeKind kind)', (y: number, mo: number, d: number, h: number, mi: number, s: number, k: Kind) =>
      dt(validatedParts(y, mo, d, h, mi, s), k),
    );
    b.ctor('(int year, int month, int day, int hour, int minute, int second, int millisecond)', (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) =>
      dt(validatedParts(y, mo, d, h, mi, s, ms), Kind.Unspecified),
    );
    b.ctor('(int year, int month, int day, int hour, int minute, int second, int millisecond, DateTimeKind kind)', (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, k: Kind) =>
      dt(validatedParts(y, mo, d, h, mi, s, ms), k),
    );
    b.staticProp('Now', 'DateTime', localNow);
    b.staticProp('UtcNow', 'DateTime', utcNow);
    b.staticProp('Today', 'DateTime', () => {
      const n = localNow();
      return dt(dateOnly(n.ticks), Kind.Local);
    });
    b.staticProp('MinValue', 'DateTime', () => dt(0n, Kind.Unspecified));
    b.staticProp('MaxValue', 'DateTime', () => dt(MAX_TICKS, Kind.Unspecified));
    b.staticProp('UnixEpoch', 'DateTime', () => dt(UNIX_EPOCH_TICKS, Kind.Utc));
    b.staticMethod('Parse', 'DateTime(string s)', (s: string | null) => parseDateTime(s));
    b.staticMethod('Parse', 'DateTime(string s, IFormatProvider provider)', (s: string | null) => parseDateTime(s));
    b.staticMethod('Parse', 'DateTime(string s, IFormatProvider provider, DateTimeStyles styles)', (s: string | null, _p: unknown, st: number) => parseDateTime(s, st));
    b.staticMethod('ParseExact', 'DateTime(string s, string format, IFormatProvider provider)', (s: string | null, f: string) => {
      if (s === null) throw argumentNull('s');
      return fromParsed(parseExact(s, f), 0);
    });
    b.staticMethod('ParseExact', 'DateTime(string s, string format, IFormatProvider provider, DateTimeStyles style)', (s: string | null, f: string, _p: unknown, st: number) => {
      if (s === null) throw argumentNull('s');
      return fromParsed(parseExact(s, f), st);
    });
    b.staticMethod('ParseExact', 'DateTime(string s, string[] formats, IFormatProvider provider, DateTimeStyles style)', (s: string | null, fs: string[], _p: unknown, st: number) => {
      if (s === null) throw argumentNull('s');
      for (const f of fs) {
        try {
          return fromParsed(parseExact(s, f), st);
        } catch {
          // try the next format
        }
      }
      throw formatError(`String '${s}' was not recognized as a valid DateTime.`);
    });
    b.staticMethod('TryParse', 'bool(string s, out DateTime result)', (s: string | null, out: OutCell) => tryOut(out, dt(0n, 0), () => parseDateTime(s)));
    b.staticMethod('TryParse', 'bool(string s, IFormatProvider provider, DateTimeStyles styles, out DateTime result)', (s: string | null, _p: unknown, st: number, out: OutCell) =>
      tryOut(out, dt(0n, 0), () => parseDateTime(s, st)),
    );
    b.staticMethod('TryParseExact', 'bool(string s, string format, IFormatProvider provider, DateTimeStyles style, out DateTime result)', (s: string | null, f: string, _p: unknown, st: number, out: OutCell) =>
      tryOut(out, dt(0n, 0), () => {
        if (s === null) throw argumentNull('s');
        return fromParsed(parseExact(s, f), st);
      }),
    );
    b.staticMethod('DaysInMonth', 'int(int year, int month)', (y: number, m: number) => {
      if (m < 1 || m > 12) throw argumentOutOfRange('month', 'Month must be between one and twelve.');
      return daysInMonth(y, m);
    });
    b.staticMethod('IsLeapYear', 'bool(int year)', isLeapYear);
    b.staticMethod('SpecifyKind', 'DateTime(DateTime value, DateTimeKind kind)', (d: ClrDateTime, k: Kind) => dt(d.ticks, k));
    b.staticMethod('Compare', 'int(DateTime t1, DateTime t2)', (a: ClrDateTime, c: ClrDateTime) => a.compareTo(c));
    b.staticMethod('FromBinary', 'DateTime(long dateData)', (v: bigint) => dt(BigInt.asUintN(62, v), Kind.Unspecified));

    addCalendarFields(b);
    b.prop('Ticks', 'long', (d: ClrDateTime) => d.ticks);
    b.prop('Kind', 'DateTimeKind', (d: ClrDateTime) => d.kind);
    b.prop('Date', 'DateTime', (d: ClrDateTime) => dt(dateOnly(d.ticks), d.kind));
    b.prop('TimeOfDay', 'TimeSpan', (d: ClrDateTime) => ts(d.ticks % TICKS_PER_DAY));
    b.method('Add', 'DateTime(TimeSpan value)', (d: ClrDateTime, t: ClrTimeSpan) => addTicks(d, t.ticks));
    b.method('AddDays', 'DateTime(double value)', (d: ClrDateTime, v: number) => addTicks(d, ticksFromDouble(v, 86_400_000)));
    b.method('AddHours', 'DateTime(double value)', (d: ClrDateTime, v: number) => addTicks(d, ticksFromDouble(v, 3_600_000)));
    b.method('AddMinutes', 'DateTime(double value)', (d: ClrDateTime, v: number) => addTicks(d, ticksFromDouble(v, 60_000)));
    b.method('AddSeconds', 'DateTime(double value)', (d: ClrDateTime, v: number) => addTicks(d, ticksFromDouble(v, 1000)));
    b.method('AddMilliseconds', 'DateTime(double value)', (d: ClrDateTime, v: number) => addTicks(d, ticksFromDouble(v, 1)));
    b.method('AddTicks', 'DateTime(long value)', (d: ClrDateTime, v: bigint) => addTicks(d, v));
    b.method('AddMonths', 'DateTime(int months)', addMonths);
    b.method('AddYears', 'DateTime(int value)', (d: ClrDateTime, v: number) => addMonths(d, v * 12));
    b.method('Subtract', 'TimeSpan(DateTime value)', (d: ClrDateTime, o: ClrDateTime) => ts(d.ticks - o.ticks));
    b.method('Subtract', 'DateTime(TimeSpan value)', (d: ClrDateTime, t: ClrTimeSpan) => addTicks(d, -t.ticks));
    b.method('ToUniversalTime', 'DateTime()', toUniversal);
    b.method('ToLocalTime', 'DateTime()', toLocal);
    b.method('ToString', 'string()', (d: ClrDateTime) => formatDateTime(d, null));
    b.method('ToString', 'string(string format)', (d: ClrDateTime, f: string | null) => formatDateTime(d, f));
    b.method('ToString', 'string(IFormatProvider provider)', (d: ClrDateTime) => formatDateTime(d, null));
    b.method('ToString', 'string(string format, IFormatProvider provider)', (d: ClrDateTime, f: string | null) => formatDateTime(d, f));
    b.method('ToShortDateString', 'string()', (d: ClrDateTime) => formatDateTime(d, 'd'));
    b.method('ToLongDateString', 'string()', (d: ClrDateTime) => formatDateTime(d, 'D'));
    b.method('ToShortTimeString', 'string()', (d: ClrDateTime) => formatDateTime(d, 't'));
    b.method('ToLongTimeString', 'string()', (d: ClrDateTime) => formatDateTime(d, 'T'));
    b.method('ToBinary', 'long()', (d: ClrDateTime) => d.ticks | (BigInt(d.kind) << 62n));
    b.method('IsDaylightSavingTime', 'bool()', (d: ClrDateTime) => d.kind === Kind.Local && localOffsetOfLocal(d.ticks) !== localOffsetMinutes(ticksFromParts(fieldsOf(d.ticks).year, 1, 1)));
    b.method('CompareTo', 'int(DateTime value)', (d: ClrDateTime, o: ClrDateTime) => d.compareTo(o));
    b.method('Equals', 'bool(DateTime value)', (d: ClrDateTime, o: ClrDateTime) => d.equals(o));
    b.staticMethod('op_Subtraction', 'TimeSpan(DateTime d1, DateTime d2)', (a: ClrDateTime, c: ClrDateTime) => ts(a.ticks - c.ticks));
    b.staticMethod('op_Subtraction', 'DateTime(DateTime d, TimeSpan t)', (a: ClrDateTime, t: ClrTimeSpan) => addTicks(a, -t.ticks));
    b.staticMethod('op_Addition', 'DateTime(DateTime d, TimeSpan t)', (a: ClrDateTime, t: ClrTimeSpan) => addTicks(a, t.ticks));
    addComparisons(b, 'DateTime');
  },
});

function offsetTicks(d: ClrDateTimeOffset, ticks: bigint): ClrDateTimeOffset {
  return new ClrDateTimeOffset(checkRange(d.ticks + ticks), d.offsetMinutes);
}

function offsetFromTimeSpan(t: ClrTimeSpan): number {
  const minutes = Number(t.ticks / TICKS_PER_MINUTE);
  if (t.ticks % TICKS_PER_MINUTE !== 0n) throw argumentOutOfRange('offset', 'Offset must be specified in whole minutes.');
  if (Math.abs(minutes) > 14 * 60) throw argumentOutOfRange('offset', 'Offset must be within plus or minus 14 hours.');
  return minutes;
}

function fromDateTime(d: ClrDateTime): ClrDateTimeOffset {
  if (d.kind === Kind.Utc) return new ClrDateTimeOffset(d.ticks, 0);
  return new ClrDateTimeOffset(d.ticks, localOffsetOfLocal(d.ticks));
}

function fromUnixMs(ms: bigint): ClrDateTimeOffset {
  return new ClrDateTimeOffset(checkRange(UNIX_EPOCH_TICKS + ms * TICKS_PER_MS), 0);
}

/** Floor division, as DateTimeOffset.ToUnixTimeSeconds does for instants before 1970. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

defineType({
  name: 'DateTimeOffset',
  namespace: 'System',
  valueType: true,
  defaultValue: () => new ClrDateTimeOffset(0n, 0),
  isInstance: (v) => v instanceof ClrDateTimeOffset,
  members: (b) => {
    b.ctor('(DateTime dateTime)', fromDateTime);
    b.ctor('(DateTime dateTime, TimeSpan offset)', (d: ClrDateTime, o: ClrTimeSpan) => new ClrDateTimeOffset(d.ticks, offsetFromTimeSpan(o)));
    b.ctor('(long ticks, TimeSpan offset)', (t: bigint, o: ClrTimeSpan) => new ClrDateTimeOffset(checkRange(t), offsetFromTimeSpan(o)));
    b.ctor('(int year, int month, int day, int hour, int minute, int second, TimeSpan offset)', (y: number, mo: number, d: number, h: number, mi: number, s: number, o: ClrTimeSpan) =>
      new ClrDateTimeOffset(validatedParts(y, mo, d, h, mi, s), offsetFromTimeSpan(o)),
    );
    b.ctor('(int year, int month, int day, int hour, int minute, int second, int millisecond, TimeSpan offset)', (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, o: ClrTimeSpan) =>
      new ClrDateTimeOffset(validatedParts(y, mo, d, h, mi, s, ms), offsetFromTimeSpan(o)),
    );
    b.staticProp('UtcNow', 'DateTimeOffset', () => new ClrDateTimeOffset(nowUtcTicks(), 0));
    b.staticProp('Now', 'DateTimeOffset', () => fromDateTime(localNow()));
    b.staticProp('MinValue', 'DateTimeOffset', () => new ClrDateTimeOffset(0n, 0));
    b.staticProp('MaxValue', 'DateTimeOffset', () => new ClrDateTimeOffset(MAX_TICKS, 0));
    b.staticProp('UnixEpoch', 'DateTimeOffset', () => new ClrDateTimeOffset(UNIX_EPOCH_TICKS, 0));
    b.staticMethod('FromUnixTimeSeconds', 'DateTimeOffset(long seconds)', (s: bigint) => fromUnixMs(s * 1000n));
    b.staticMethod('FromUnixTimeMilliseconds', 'DateTimeOffset(long milliseconds)', fromUnixMs);
    b.staticMethod('Parse', 'DateTimeOffset(string input)', parseOffset);
    b.staticMethod('Parse', 'DateTimeOffset(string input, IFormatProvider formatProvider)', parseOffset);
    b.staticMethod('ParseExact', 'DateTimeOffset(string input, string format, IFormatProvider formatProvider)', (s: string | null, f: string) => {
      if (s === null) throw argumentNull('input');
      const p = parseExact(s, f);
      return new ClrDateTimeOffset(p.ticks, p.offsetMinutes ?? localOffsetMinutes(p.ticks));
    });
    b.staticMethod('TryParse', 'bool(string input, out DateTimeOffset result)', (s: string | null, out: OutCell) => tryOut(out, new ClrDateTimeOffset(0n, 0), () => parseOffset(s)));
    b.prop('DateTime', 'DateTime', (d: ClrDateTimeOffset) => dt(d.ticks, Kind.Unspecified));
    b.prop('UtcDateTime', 'DateTime', (d: ClrDateTimeOffset) => dt(d.utcTicks, Kind.Utc));
    b.prop('LocalDateTime', 'DateTime', (d: ClrDateTimeOffset) => toLocal(dt(d.utcTicks, Kind.Utc)));
    b.prop('Offset', 'TimeSpan', (d: ClrDateTimeOffset) => ts(minutesToTicks(d.offsetMinutes)));
    b.prop('Ticks', 'long', (d: ClrDateTimeOffset) => d.ticks);
    b.prop('UtcTicks', 'long', (d: ClrDateTimeOffset) => d.utcTicks);
    b.prop('Date', 'DateTime', (d: ClrDateTimeOffset) => dt(dateOnly(d.ticks), Kind.Unspecified));
    addCalendarFields(b);
    b.method('ToUnixTimeSeconds', 'long()', (d: ClrDateTimeOffset) => floorDiv(d.utcTicks - UNIX_EPOCH_TICKS, TICKS_PER_SECOND));
    b.method('ToUnixTimeMilliseconds', 'long()', (d: ClrDateTimeOffset) => floorDiv(d.utcTicks - UNIX_EPOCH_TICKS, TICKS_PER_MS));
    b.method('Add', 'DateTimeOffset(TimeSpan timeSpan)', (d: ClrDateTimeOffset, t: ClrTimeSpan) => offsetTicks(d, t.ticks));
    b.method('AddDays', 'DateTimeOffset(double days)', (d: ClrDateTimeOffset, v: number) => offsetTicks(d, ticksFromDouble(v, 86_400_000)));
    b.method('AddHours', 'DateTimeOffset(double hours)', (d: ClrDateTimeOffset, v: number) => offsetTicks(d, ticksFromDouble(v, 3_600_000)));
    b.method('AddMinutes', 'DateTimeOffset(double minutes)', (d: ClrDateTimeOffset, v: number) => offsetTicks(d, ticksFromDouble(v, 60_000)));
    b.method('AddSeconds', 'DateTimeOffset(double seconds)', (d: ClrDateTimeOffset, v: number) => offsetTicks(d, ticksFromDouble(v, 1000)));
    b.method('AddMilliseconds', 'DateTimeOffset(double milliseconds)', (d: ClrDateTimeOffset, v: number) => offsetTicks(d, ticksFromDouble(v, 1)));
    b.method('AddTicks', 'DateTimeOffset(long ticks)', (d: ClrDateTimeOffset, v: bigint) => offsetTicks(d, v));
    b.method('AddMonths', 'DateTimeOffset(int months)', (d: ClrDateTimeOffset, v: number) => new ClrDateTimeOffset(addMonths(dt(d.ticks, 0), v).ticks, d.offsetMinutes));
    b.method('AddYears', 'DateTimeOffset(int years)', (d: ClrDateTimeOffset, v: number) => new ClrDateTimeOffset(addMonths(dt(d.ticks, 0), v * 12).ticks, d.offsetMinutes));
    b.method('Subtract', 'TimeSpan(DateTimeOffset value)', (d: ClrDateTimeOffset, o: ClrDateTimeOffset) => ts(d.utcTicks - o.utcTicks));
    b.method('Subtract', 'DateTimeOffset(TimeSpan value)', (d: ClrDateTimeOffset, t: ClrTimeSpan) => offsetTicks(d, -t.ticks));
    b.method('ToUniversalTime', 'DateTimeOffset()', (d: ClrDateTimeOffset) => new ClrDateTimeOffset(d.utcTicks, 0));
    b.method('ToLocalTime', 'DateTimeOffset()', (d: ClrDateTimeOffset) => fromDateTime(toLocal(dt(d.utcTicks, Kind.Utc))));
    b.method('ToOffset', 'DateTimeOffset(TimeSpan offset)', (d: ClrDateTimeOffset, o: ClrTimeSpan) => {
      const m = offsetFromTimeSpan(o);
      return new ClrDateTimeOffset(d.utcTicks + minutesToTicks(m), m);
    });
    b.method('ToString', 'string()', (d: ClrDateTimeOffset) => d.toString());
    b.method('ToString', 'string(string format)', (d: ClrDateTimeOffset, f: string | null) => formatOffset(d, f));
    b.method('ToString', 'string(IFormatProvider formatProvider)', (d: ClrDateTimeOffset) => d.toString());
    b.method('ToString', 'string(string format, IFormatProvider formatProvider)', (d: ClrDateTimeOffset, f: string | null) => formatOffset(d, f));
    b.method('CompareTo', 'int(DateTimeOffset other)', (d: ClrDateTimeOffset, o: ClrDateTimeOffset) => d.compareTo(o));
    b.method('Equals', 'bool(DateTimeOffset other)', (d: ClrDateTimeOffset, o: ClrDateTimeOffset) => d.equals(o));
    b.staticMethod('op_Subtraction', 'TimeSpan(DateTimeOffset left, DateTimeOffset right)', (a: ClrDateTimeOffset, c: ClrDateTimeOffset) => ts(a.utcTicks - c.utcTicks));
    b.staticMethod('op_Subtraction', 'DateTimeOffset(DateTimeOffset dateTimeOffset, TimeSpan timeSpan)', (a: ClrDateTimeOffset, t: ClrTimeSpan) => offsetTicks(a, -t.ticks));
    b.staticMethod('op_Addition', 'DateTimeOffset(DateTimeOffset dateTimeOffset, TimeSpan timeSpan)', (a: ClrDateTimeOffset, t: ClrTimeSpan) => offsetTicks(a, t.ticks));
    b.implicitFrom('DateTime', fromDateTime);
    addComparisons(b, 'DateTimeOffset');
  },
});

