/**
 * Validation and defaults for counter options, shared by both stores so that they refuse
 * and default exactly alike. A bad option is a bug in the calling policy (its attributes
 * were validated at compile time), so it throws instead of degrading.
 */
import { ValidationError } from '../model/errors.js';
import type { AddHitsOptions, AddQuotaOptions, HitOptions, QuotaOptions } from './types.js';

/**
 * APIM's default `first-period-start`, 0001-01-01T00:00:00Z, in epoch ms (a literal because
 * `Date.UTC` maps years 0–99 to 1900–1999).
 */
export const APIM_FIRST_PERIOD_START = -62_135_596_800_000;

/**
 * A never-renewing quota's counters are forgotten after this long without a counted call:
 * the price of "every key expires" (no unbounded growth from one-off keys).
 */
export const DEFAULT_LIFETIME_QUOTA_TTL_SEC = 366 * 24 * 3600;

export interface NormalizedHit {
  limit: number;
  windowMs: number;
  increment: number;
}

export interface NormalizedPeriod {
  /** 0 = never renews. */
  periodMs: number;
  firstPeriodStart: number;
}

export interface NormalizedQuota extends NormalizedPeriod {
  /** -1 = no call limit. */
  calls: number;
  /** -1 = no bandwidth limit. */
  bandwidthBytes: number;
  incrementCalls: number;
  incrementBytes: number;
}

export function normalizeHit(options: HitOptions): NormalizedHit {
  return {
    limit: positiveInteger(options.limit, 'limit'),
    windowMs: positiveInteger(options.windowMs, 'windowMs'),
    increment: options.increment === undefined ? 1 : nonNegativeInteger(options.increment, 'increment'),
  };
}

export function normalizeAddHits(options: AddHitsOptions): NormalizedHit {
  return {
    limit: positiveInteger(options.limit, 'limit'),
    windowMs: positiveInteger(options.windowMs, 'windowMs'),
    increment: nonNegativeInteger(options.increment, 'increment'),
  };
}

export function normalizePeriod(options: { renewalPeriodSec: number; firstPeriodStart?: number }): NormalizedPeriod {
  const seconds = options.renewalPeriodSec;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ValidationError(`renewalPeriodSec must be 0 or a positive number of seconds, got ${String(seconds)}.`);
  }
  const periodMs = Math.round(seconds * 1000);
  if (seconds > 0 && periodMs < 1) throw new ValidationError('renewalPeriodSec must be at least 1 ms.');
  const firstPeriodStart = options.firstPeriodStart ?? APIM_FIRST_PERIOD_START;
  if (!Number.isSafeInteger(firstPeriodStart)) {
    throw new ValidationError(`firstPeriodStart must be epoch milliseconds, got ${String(firstPeriodStart)}.`);
  }
  return { periodMs, firstPeriodStart };
}

export function normalizeQuota(options: QuotaOptions): NormalizedQuota {
  return {
    ...normalizePeriod(options),
    calls: options.calls === undefined ? -1 : nonNegativeInteger(options.calls, 'calls'),
    bandwidthBytes: options.bandwidthKB === undefined ? -1 : nonNegativeInteger(options.bandwidthKB, 'bandwidthKB') * 1024,
    incrementCalls: options.incrementCalls === undefined ? 1 : nonNegativeInteger(options.incrementCalls, 'incrementCalls'),
    incrementBytes: options.incrementBytes === undefined ? 0 : nonNegativeInteger(options.incrementBytes, 'incrementBytes'),
  };
}

export function normalizeAddQuota(options: AddQuotaOptions): NormalizedPeriod & { incrementCalls: number; incrementBytes: number } {
  return {
    ...normalizePeriod(options),
    incrementCalls: options.incrementCalls === undefined ? 0 : nonNegativeInteger(options.incrementCalls, 'incrementCalls'),
    incrementBytes: options.incrementBytes === undefined ? 0 : nonNegativeInteger(options.incrementBytes, 'incrementBytes'),
  };
}

export function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ValidationError(`${name} must be a positive integer, got ${String(value)}.`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ValidationError(`${name} must be a non-negative integer, got ${String(value)}.`);
  return value;
}
