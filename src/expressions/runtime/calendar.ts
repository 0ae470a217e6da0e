/**
 * Tick arithmetic shared by DateTime, DateTimeOffset and TimeSpan: 100 ns ticks since
 * 0001-01-01 as bigints, proleptic Gregorian calendar fields, and the host's local offset.
 */
export const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 600_000_000n;
export const TICKS_PER_HOUR = 36_000_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;
/** Ticks at 1970-01-01T00:00:00Z. */
export const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
export const MAX_TICKS = 3_155_378_975_999_999_999n;

export interface CalendarFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Ticks within the second (0–9 999 999). */
  readonly fraction: number;
  /** 0 = Sunday. */
  readonly dayOfWeek: number;
  readonly dayOfYear: number;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Days from 0001-01-01 to the given date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  let days = 0;
  const y1 = y - 1;
  days = y1 * 365 + Math.floor(y1 / 4) - Math.floor(y1 / 100) + Math.floor(y1 / 400);
  for (let i = 1; i < m; i++) days += daysInMonth(y, i);
  return days + d - 1;
}

export function ticksFromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): bigint {
  return BigInt(daysFromCivil(y, mo, d)) * TICKS_PER_DAY + BigInt(h) * TICKS_PER_HOUR + BigInt(mi) * TICKS_PER_MINUTE + BigInt(s) * TICKS_PER_SECOND + BigInt(ms) * TICKS_PER_MS;
}

export function fieldsOf(ticks: bigint): CalendarFields {
  let days = Number(ticks / TICKS_PER_DAY);
  const rem = ticks % TICKS_PER_DAY;
  const dayOfWeek = (days + 1) % 7;
  // 400-year cycles keep the year search short.
  const cycles = Math.floor(days / 146097);
  days -= cycles * 146097;
  let year = cycles * 400 + 1;
  for (;;) {
    const len = isLeapYear(year) ? 366 : 365;
    if (days < len) break;
    days -= len;
    year++;
  }
  const dayOfYear = days + 1;
  let month = 1;
  while (days >= daysInMonth(year, month)) {
    days -= daysInMonth(year, month);
    month++;
  }
  const secondsTicks = rem % TICKS_PER_SECOND;
  const totalSeconds = Number(rem / TICKS_PER_SECOND);
  return {
    year,
    month,
    day: days + 1,
    hour: Math.floor(totalSeconds / 3600),
    minute: Math.floor(totalSeconds / 60) % 60,
    second: totalSeconds % 60,
    millisecond: Number(secondsTicks / TICKS_PER_MS),
    fraction: Number(secondsTicks),
    dayOfWeek,
    dayOfYear,
  };
}

/** The host's UTC offset in minutes at a UTC instant (east positive, like .NET). */
export function localOffsetMinutes(utcTicks: bigint): number {
  const ms = Number((utcTicks - UNIX_EPOCH_TICKS) / TICKS_PER_MS);
  const clamped = Math.max(-8.64e15, Math.min(8.64e15, ms));
  return -new Date(clamped).getTimezoneOffset();
}

export function nowUtcTicks(): bigint {
  return UNIX_EPOCH_TICKS + BigInt(Date.now()) * TICKS_PER_MS;
}

/** Round a double count of `unit` ticks to whole milliseconds, as DateTime.AddXxx(double) does. */
export function ticksFromDouble(value: number, msPerUnit: number): bigint {
  const ms = value * msPerUnit;
  const rounded = ms >= 0 ? Math.floor(ms + 0.5) : Math.ceil(ms - 0.5);
  return BigInt(rounded) * TICKS_PER_MS;
}
