/**
 * The behaviour every CounterStore must have, as one vitest suite run against each store.
 * Time is abstracted by a TestClock: the memory store runs on an injected fake clock (exact
 * boundaries), the Redis store on real time with short windows (Redis keeps its own clock).
 * Timing assertions use bounds measured around each call, never a fixed tolerance.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../model/errors.js';
import { APIM_FIRST_PERIOD_START } from './options.js';
import type { CounterStore, HitResult } from './types.js';
import { EXACT_LOG_MAX_CALLS, MAX_LIVE_SLICES, sliceMsFor } from './window-slices.js';

export interface TestClock {
  /** Current time on the clock the store counts with (epoch ms). */
  now(): number;
  /** The `now` option to pass: the fake time, or undefined when the store keeps its own clock. */
  at(): number | undefined;
  advance(ms: number): Promise<void>;
}

export interface StoreHarness {
  store: CounterStore;
  clock: TestClock;
  /** Window length for real-time tests; long enough that scheduling jitter cannot cross it. */
  windowMs: number;
  /**
   * How much a large-limit (sliced) key holds, and the most it may hold: slices in memory,
   * hash fields in Redis. Absent when the store's state cannot be observed from the test.
   */
  slicedFootprint?: { measure(key: string): Promise<number>; max: number };
  /** Releases what the harness opened besides the store (closed by the suite). */
  dispose?: () => void;
}

/** The memory store's clock: only moves when told to. */
export function fakeClock(start = Date.now()): TestClock {
  let time = start;
  return {
    now: () => time,
    at: () => time,
    advance: async (ms) => {
      time += ms;
    },
  };
}

/** Real time (the Redis store reads Redis `TIME`, the same system clock on this machine). */
export function realClock(): TestClock {
  return {
    now: () => Date.now(),
    at: () => undefined,
    advance: async (ms) => {
      await sleep(ms);
    },
  };
}

/** Clocks tick in whole ms on both sides; one ms of slack covers the rounding. */
const ROUNDING_MS = 1;

export function describeCounterStoreBehaviour(name: string, open: () => Promise<StoreHarness>): void {
  describe(`CounterStore behaviour: ${name}`, () => {
    let harness: StoreHarness;
    let store: CounterStore;
    let clock: TestClock;
    const freshKey = (label: string) => `${label}:${randomUUID()}`;

    beforeAll(async () => {
      harness = await open();
      ({ store, clock } = harness);
    });

    afterAll(async () => {
      await harness.store.close();
      harness.dispose?.();
    });

    describe('sliding-window hit', () => {
      it('allows exactly the limit under heavy concurrency, each allowed call seeing a distinct total', async () => {
        const key = freshKey('burst');
        const results = await Promise.all(Array.from({ length: 500 }, () => store.hit(key, { limit: 100, windowMs: 60_000, now: clock.at() })));
        const allowed = results.filter((result) => result.allowed);
        expect(allowed).toHaveLength(100);
        expect(allowed.map((result) => result.total).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        for (const refused of results.filter((result) => !result.allowed)) {
          expect(refused).toMatchObject({ remaining: 0, total: 100 });
          expect(refused.retryAfterMs).toBeGreaterThan(0);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
        }
        expect(results.every((result) => result.failed === undefined)).toBe(true);
      });

      it('reports remaining and total as calls are counted', async () => {
        const key = freshKey('remaining');
        const seen: HitResult[] = [];
        for (let i = 0; i < 4; i++) seen.push(await store.hit(key, { limit: 3, windowMs: 60_000, now: clock.at() }));
        expect(seen.map(({ allowed, remaining, total }) => ({ allowed, remaining, total }))).toEqual([
          { allowed: true, remaining: 2, total: 1 },
          { allowed: true, remaining: 1, total: 2 },
          { allowed: true, remaining: 0, total: 3 },
          { allowed: false, remaining: 0, total: 3 },
        ]);
        expect(seen[0].retryAfterMs).toBe(0);
      });

      it('counts increments greater than 1, and an increment of 0 only checks', async () => {
        const key = freshKey('increments');
        const hit = (increment: number) => store.hit(key, { limit: 10, windowMs: 60_000, increment, now: clock.at() });
        expect(await hit(4)).toMatchObject({ allowed: true, total: 4, remaining: 6 });
        expect(await hit(4)).toMatchObject({ allowed: true, total: 8, remaining: 2 });
        expect(await hit(0)).toMatchObject({ allowed: true, total: 8, remaining: 2 });
        expect(await hit(4)).toMatchObject({ allowed: false, total: 8, remaining: 2 });
        expect(await hit(2)).toMatchObject({ allowed: true, total: 10, remaining: 0 });
        expect(await hit(0)).toMatchObject({ allowed: false, total: 10, remaining: 0 });
      });

      it('never allows an increment larger than the limit, suggesting a full window', async () => {
        const result = await store.hit(freshKey('too-big'), { limit: 3, windowMs: 45_000, increment: 4, now: clock.at() });
        expect(result).toMatchObject({ allowed: false, total: 0, remaining: 3, retryAfterMs: 45_000 });
      });

      it('supports windows longer than 300 s', async () => {
        const key = freshKey('long-window');
        const hour = 3_600_000;
        const before = clock.now();
        expect((await store.hit(key, { limit: 1, windowMs: hour, now: clock.at() })).allowed).toBe(true);
        const refused = await store.hit(key, { limit: 1, windowMs: hour, now: clock.at() });
        const checked = clock.now();
        expect(refused.allowed).toBe(false);
        // The call was counted no earlier than `before` and checked no later than `checked`.
        expect(refused.retryAfterMs).toBeGreaterThanOrEqual(before + hour - checked - ROUNDING_MS);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(hour);
      });

      it('slides: old calls leave the window one by one, and retryAfter says exactly when', async () => {
        const key = freshKey('sliding');
        const windowMs = harness.windowMs;
        const hit = () => store.hit(key, { limit: 3, windowMs, now: clock.at() });

        const firstFrom = clock.now();
        expect((await hit()).allowed).toBe(true);
        expect((await hit()).allowed).toBe(true);
        const firstTo = clock.now();
        await clock.advance(windowMs / 2);
        const thirdFrom = clock.now();
        expect((await hit()).allowed).toBe(true);

        const checkFrom = clock.now();
        const refused = await hit();
        const checkTo = clock.now();
        expect(refused).toMatchObject({ allowed: false, total: 3 });
        // One call must leave: the oldest, counted somewhere in [firstFrom, firstTo].
        expect(refused.retryAfterMs).toBeGreaterThanOrEqual(firstFrom + windowMs - checkTo - ROUNDING_MS);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(firstTo + windowMs - checkFrom + ROUNDING_MS);

        await clock.advance(refused.retryAfterMs + (clock.at() === undefined ? 20 : 0));
        // The first two calls (same instant) have left; the third is still inside its window.
        expect(clock.now()).toBeLessThan(thirdFrom + windowMs);
        const afterSlide = await hit();
        expect(afterSlide).toMatchObject({ allowed: true, total: 2, remaining: 1 });
      });

      it('does not let refused calls consume capacity: a full window frees up entirely', async () => {
        const key = freshKey('refusals');
        const windowMs = harness.windowMs;
        const hit = () => store.hit(key, { limit: 5, windowMs, now: clock.at() });
        const filledAt = clock.now();
        for (let i = 0; i < 5; i++) expect((await hit()).allowed).toBe(true);
        await clock.advance(windowMs / 2);
        // Were these counted, they would fill the window until half a window from now.
        const refusals = await Promise.all(Array.from({ length: 50 }, hit));
        expect(refusals.every((result) => !result.allowed)).toBe(true);
        await clock.advance(windowMs - (clock.now() - filledAt) + (clock.at() === undefined ? 20 : 0));
        const next = await Promise.all(Array.from({ length: 8 }, hit));
        expect(next.filter((result) => result.allowed)).toHaveLength(5);
      });

      it('addHits counts without checking, past the limit if it must', async () => {
        const key = freshKey('add-hits');
        await store.addHits(key, { limit: 5, windowMs: 60_000, increment: 3, now: clock.at() });
        await store.addHits(key, { limit: 5, windowMs: 60_000, increment: 0, now: clock.at() });
        expect(await store.hit(key, { limit: 5, windowMs: 60_000, now: clock.at() })).toMatchObject({ allowed: true, total: 4 });
        await store.addHits(key, { limit: 5, windowMs: 60_000, increment: 4, now: clock.at() });
        expect(await store.hit(key, { limit: 5, windowMs: 60_000, now: clock.at() })).toMatchObject({ allowed: false, total: 8, remaining: 0 });
      });

      it('keeps keys apart, including long keys that share a prefix', async () => {
        const a = freshKey('iso-a');
        const b = freshKey('iso-b');
        const longA = `${'x'.repeat(5000)}a`;
        const longB = `${'x'.repeat(5000)}b`;
        for (const key of [a, longA]) {
          expect((await store.hit(key, { limit: 1, windowMs: 60_000, now: clock.at() })).allowed).toBe(true);
          expect((await store.hit(key, { limit: 1, windowMs: 60_000, now: clock.at() })).allowed).toBe(false);
        }
        expect((await store.hit(b, { limit: 1, windowMs: 60_000, now: clock.at() })).allowed).toBe(true);
        expect((await store.hit(`${longB}${randomUUID()}`, { limit: 1, windowMs: 60_000, now: clock.at() })).allowed).toBe(true);
        // A quota under the same key string is a different counter.
        expect((await store.quota(a, { calls: 1, renewalPeriodSec: 60, now: clock.at() })).allowed).toBe(true);
      });

      it('rejects invalid options and empty keys as programming errors', async () => {
        await expect(store.hit(freshKey('bad'), { limit: 0, windowMs: 1000 })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.hit(freshKey('bad'), { limit: 1, windowMs: 1.5 })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.hit(freshKey('bad'), { limit: 1, windowMs: 1000, increment: -1 })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.hit('', { limit: 1, windowMs: 1000 })).rejects.toBeInstanceOf(ValidationError);
        await expect(store.quota(freshKey('bad'), { calls: 1, renewalPeriodSec: -1 })).rejects.toBeInstanceOf(ValidationError);
      });
    });

    describe('sliced sliding window (limits above EXACT_LOG_MAX_CALLS)', () => {
      const big = EXACT_LOG_MAX_CALLS + 500;

      it('allows exactly the limit under heavy concurrency, with a Retry-After within the window plus one slice', async () => {
        const key = freshKey('sliced-burst');
        const windowMs = 60_000;
        const results = await Promise.all(Array.from({ length: big + 100 }, () => store.hit(key, { limit: big, windowMs, now: clock.at() })));
        const allowed = results.filter((result) => result.allowed);
        expect(allowed).toHaveLength(big);
        expect(new Set(allowed.map((result) => result.total)).size).toBe(big);
        for (const refused of results.filter((result) => !result.allowed)) {
          expect(refused).toMatchObject({ remaining: 0, total: big });
          expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(windowMs + sliceMsFor(windowMs));
        }
      });

      it('counts weights with the same rule: refused calls change nothing, an increment of 0 only checks', async () => {
        const key = freshKey('sliced-weights');
        const hit = (increment: number) => store.hit(key, { limit: 2000, windowMs: 60_000, increment, now: clock.at() });
        expect(await hit(600)).toMatchObject({ allowed: true, total: 600, remaining: 1400 });
        expect(await hit(1200)).toMatchObject({ allowed: true, total: 1800, remaining: 200 });
        expect(await hit(300)).toMatchObject({ allowed: false, total: 1800, remaining: 200 });
        expect(await hit(0)).toMatchObject({ allowed: true, total: 1800, remaining: 200 });
        expect(await hit(200)).toMatchObject({ allowed: true, total: 2000, remaining: 0 });
        expect(await hit(0)).toMatchObject({ allowed: false, total: 2000, remaining: 0 });
        const tooBig = await store.hit(freshKey('sliced-too-big'), { limit: 2000, windowMs: 45_000, increment: 2001, now: clock.at() });
        expect(tooBig).toMatchObject({ allowed: false, total: 0, retryAfterMs: 45_000 });
      });

      it('gives capacity back after the window plus at most one slice, never before the window', async () => {
        const key = freshKey('sliced-slide');
        const windowMs = harness.windowMs;
        const sliceMs = sliceMsFor(windowMs);
        const hit = (increment: number) => store.hit(key, { limit: big, windowMs, increment, now: clock.at() });
        const fillFrom = clock.now();
        expect((await hit(big)).allowed).toBe(true);
        const fillTo = clock.now();
        await clock.advance(windowMs / 2);
        const checkFrom = clock.now();
        const refused = await hit(1);
        const checkTo = clock.now();
        expect(refused).toMatchObject({ allowed: false, total: big });
        // Counted for at least the window, at most the window plus the slice it fell in.
        expect(refused.retryAfterMs).toBeGreaterThanOrEqual(fillFrom + windowMs - checkTo - ROUNDING_MS);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(fillTo + windowMs + sliceMs - checkFrom + ROUNDING_MS);
        if (clock.at() !== undefined) {
          // The fake clock can stand one ms before the window ends: still counted.
          await clock.advance(fillTo + windowMs - 1 - clock.now());
          expect((await hit(1)).allowed).toBe(false);
          await clock.advance(fillTo + windowMs + sliceMs - clock.now());
        } else {
          await clock.advance(refused.retryAfterMs + 20);
        }
        expect(await hit(big)).toMatchObject({ allowed: true, total: big });
      });

      it('addHits lands in the sliced window of a large limit, apart from the exact log of a small one', async () => {
        const key = freshKey('sliced-add');
        await store.addHits(key, { limit: 2000, windowMs: 60_000, increment: 1500, now: clock.at() });
        expect(await store.hit(key, { limit: 2000, windowMs: 60_000, increment: 600, now: clock.at() })).toMatchObject({ allowed: false, total: 1500 });
        // A limit edited across the threshold starts afresh instead of misreading the other mode.
        expect(await store.hit(key, { limit: EXACT_LOG_MAX_CALLS, windowMs: 60_000, now: clock.at() })).toMatchObject({ allowed: true, total: 1 });
        expect(await store.hit(key, { limit: 2000, windowMs: 60_000, increment: 500, now: clock.at() })).toMatchObject({ allowed: true, total: 2000 });
        await expect(store.addHits(key, { limit: 0, windowMs: 60_000, increment: 1 })).rejects.toBeInstanceOf(ValidationError);
      });

      it('keeps memory per key bounded over many calls across several windows', async () => {
        const footprint = harness.slicedFootprint;
        if (footprint === undefined) return;
        const key = freshKey('sliced-bounded');
        // Real time: slices of 3 ms, so a loaded machine still puts calls in most of them.
        const windowMs = 300;
        const start = clock.now();
        let calls = 0;
        let largest = 0;
        // A call in (nearly) every ms for three windows: every slice gets calls.
        while (clock.now() - start < 3 * windowMs) {
          const result = await store.hit(key, { limit: 1_000_000, windowMs, now: clock.at() });
          expect(result.allowed).toBe(true);
          if (++calls % 25 === 0) largest = Math.max(largest, await footprint.measure(key));
          if (clock.at() !== undefined) await clock.advance(1);
        }
        largest = Math.max(largest, await footprint.measure(key));
        if (clock.at() !== undefined) expect(calls).toBe(3 * windowMs);
        expect(largest).toBeLessThanOrEqual(footprint.max);
        // The bound is reached, not vacuous: most slices of a window hold calls.
        expect(largest).toBeGreaterThan(MAX_LIVE_SLICES / 2);
      });
    });

    describe('fixed-window quota', () => {
      it('counts calls in a window aligned to firstPeriodStart and refuses without counting', async () => {
        const key = freshKey('quota');
        const firstPeriodStart = clock.now() - 7_777;
        const options = { calls: 2, renewalPeriodSec: 3600, firstPeriodStart };
        const first = await store.quota(key, { ...options, now: clock.at() });
        expect(first).toMatchObject({ allowed: true, callsUsed: 1, bytesUsed: 0, retryAfterMs: 0 });
        expect(first.periodEnd).toBe(firstPeriodStart + 3_600_000);
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: true, callsUsed: 2 });
        const checkFrom = clock.now();
        const refused = await store.quota(key, { ...options, now: clock.at() });
        const checkTo = clock.now();
        expect(refused).toMatchObject({ allowed: false, exceeded: 'calls', callsUsed: 2, periodEnd: firstPeriodStart + 3_600_000 });
        expect(refused.retryAfterMs).toBeGreaterThanOrEqual(firstPeriodStart + 3_600_000 - checkTo - ROUNDING_MS);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(firstPeriodStart + 3_600_000 - checkFrom + ROUNDING_MS);
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: false, callsUsed: 2 });
      });

      it('aligns windows that started long before now', async () => {
        const firstPeriodStart = Date.UTC(2020, 0, 1, 0, 0, 7);
        const result = await store.quota(freshKey('aligned'), { calls: 5, renewalPeriodSec: 600, firstPeriodStart, now: clock.at() });
        const end = result.periodEnd!;
        expect((end - firstPeriodStart) % 600_000).toBe(0);
        expect(end).toBeGreaterThan(clock.now() - ROUNDING_MS);
        expect(end - 600_000).toBeLessThanOrEqual(clock.now());
      });

      it("defaults firstPeriodStart to APIM's 0001-01-01T00:00:00Z (UTC-hour-aligned windows)", async () => {
        expect(new Date(APIM_FIRST_PERIOD_START).toISOString()).toBe('0001-01-01T00:00:00.000Z');
        const result = await store.quota(freshKey('apim-default'), { calls: 5, renewalPeriodSec: 3600, now: clock.at() });
        expect(result.periodEnd! % 3_600_000).toBe(0);
      });

      it('renews when the window ends', async () => {
        const key = freshKey('renewal');
        const periodMs = harness.windowMs;
        // Start the window now, so the period cannot end between the calls below.
        const options = { calls: 1, renewalPeriodSec: periodMs / 1000, firstPeriodStart: clock.now() };
        expect((await store.quota(key, { ...options, now: clock.at() })).allowed).toBe(true);
        const refused = await store.quota(key, { ...options, now: clock.at() });
        expect(refused.allowed).toBe(false);
        await clock.advance(refused.retryAfterMs! + (clock.at() === undefined ? 20 : 0));
        const renewed = await store.quota(key, { ...options, now: clock.at() });
        expect(renewed).toMatchObject({ allowed: true, callsUsed: 1, periodEnd: options.firstPeriodStart + 2 * periodMs });
      });

      it('never renews with renewalPeriodSec 0', async () => {
        const key = freshKey('lifetime');
        const options = { calls: 1, renewalPeriodSec: 0 };
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: true, periodEnd: null, retryAfterMs: 0 });
        // 300 days: longer than any window, shorter than the idle TTL that forgets a lifetime quota.
        await clock.advance(clock.at() === undefined ? 50 : 300 * 24 * 3_600_000);
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: false, exceeded: 'calls', periodEnd: null, retryAfterMs: null, callsUsed: 1 });
      });

      it('limits bandwidth in KB, with bytes added after the response', async () => {
        const key = freshKey('bandwidth');
        const options = { bandwidthKB: 1, renewalPeriodSec: 3600, now: clock.at() };
        expect(await store.quota(key, options)).toMatchObject({ allowed: true, callsUsed: 1, bytesUsed: 0 });
        await store.addQuota(key, { renewalPeriodSec: 3600, incrementBytes: 1000, now: clock.at() });
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: true, callsUsed: 2, bytesUsed: 1000 });
        // A call bringing its own bytes must fit: 1000 + 100 > 1024.
        expect(await store.quota(key, { ...options, incrementBytes: 100, now: clock.at() })).toMatchObject({ allowed: false, exceeded: 'bandwidth' });
        await store.addQuota(key, { renewalPeriodSec: 3600, incrementBytes: 24, now: clock.at() });
        // Exactly at the limit: nothing more fits, not even a call whose size is not known yet.
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: false, exceeded: 'bandwidth', bytesUsed: 1024, callsUsed: 2 });
      });

      it('applies both limits, with increments greater than 1', async () => {
        const key = freshKey('both');
        const options = { calls: 10, bandwidthKB: 10, renewalPeriodSec: 3600, incrementCalls: 4, incrementBytes: 2048 };
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: true, callsUsed: 4, bytesUsed: 2048 });
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: true, callsUsed: 8, bytesUsed: 4096 });
        expect(await store.quota(key, { ...options, now: clock.at() })).toMatchObject({ allowed: false, exceeded: 'calls', callsUsed: 8 });
        expect(await store.quota(key, { ...options, incrementCalls: 2, incrementBytes: 7000, now: clock.at() })).toMatchObject({ allowed: false, exceeded: 'bandwidth' });
        expect(await store.quota(key, { ...options, incrementCalls: 2, now: clock.at() })).toMatchObject({ allowed: true, callsUsed: 10, bytesUsed: 6144 });
      });

      it('allows exactly the call quota under heavy concurrency', async () => {
        const key = freshKey('quota-burst');
        const results = await Promise.all(Array.from({ length: 300 }, () => store.quota(key, { calls: 120, renewalPeriodSec: 3600, now: clock.at() })));
        expect(results.filter((result) => result.allowed)).toHaveLength(120);
      });
    });

    describe('concurrency slots', () => {
      it('grants at most max slots per key and frees them on release, once', () => {
        const key = freshKey('slots');
        const first = store.acquire(key, 2);
        const second = store.acquire(key, 2);
        expect(first).not.toBeNull();
        expect(second).not.toBeNull();
        expect(store.acquire(key, 2)).toBeNull();
        expect(store.acquire(freshKey('other-slots'), 2)).not.toBeNull();
        first!();
        first!();
        const third = store.acquire(key, 2);
        expect(third).not.toBeNull();
        expect(store.acquire(key, 2)).toBeNull();
        second!();
        third!();
        expect(store.acquire(key, 1)).not.toBeNull();
      });
    });
  });
}
