/**
 * APIM's Liquid `Date` filter. APIM renders Liquid with DotLiquid, whose `Date` takes a .NET
 * format string ("yyyy-MM-dd", "R", "o"), not Ruby's strftime — so a template copied from
 * APIM prints the same text here. A format holding `%` is strftime and goes to liquidjs's
 * own `date` filter, which the lower-case name keeps serving too.
 */
import type { FilterImplOptions } from 'liquidjs';
import { formatDateTimeInvariant } from '../../expressions/index.js';

type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;

export function dotNetDateFilter(strftime: FilterImplOptions | undefined): FilterHandler {
  const strftimeHandler = typeof strftime === 'function' ? strftime : strftime?.handler;
  return function (input: unknown, format: unknown, ...rest: unknown[]): unknown {
    if (typeof format === 'string' && format.includes('%') && strftimeHandler !== undefined) return strftimeHandler.call(this, input, format, ...rest) as unknown;
    const date = toDate(input);
    // DotLiquid hands back what it cannot read as a date, unchanged.
    if (date === undefined) return input;
    const pattern = typeof format === 'string' && format !== '' ? format : 'G';
    try {
      return formatDateTimeInvariant(date, pattern);
    } catch {
      return input;
    }
  };
}

function toDate(input: unknown): Date | undefined {
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? undefined : input;
  if (typeof input === 'number') return new Date(input * 1000);
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (/^(now|today)$/i.test(text)) return new Date();
  if (/^-?\d+$/.test(text)) return new Date(Number(text) * 1000);
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}
