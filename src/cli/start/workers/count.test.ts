import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../arguments.js';
import { resolveStartSettings } from '../settings.js';
import { MAX_WORKERS, parseWorkers } from './count.js';
import { RestartBackoff } from './restart-backoff.js';

describe('--workers', () => {
  it('accepts 1…64 and auto (one per core)', () => {
    expect(parseWorkers('1', '--workers', 'start')).toBe(1);
    expect(parseWorkers('64', '--workers', 'start')).toBe(MAX_WORKERS);
    expect(parseWorkers('auto', '--workers', 'start')).toBe(Math.min(availableParallelism(), MAX_WORKERS));
  });

  it('refuses 0, too many, and anything not a whole number', () => {
    for (const bad of ['0', '65', '1000', '-1', '2.5', 'two', '']) {
      expect(() => parseWorkers(bad, '--workers', 'start')).toThrow(UsageError);
    }
  });

  it('defaults to 1, reads PORTICO_WORKERS, and the flag wins', () => {
    expect(resolveStartSettings({ noDemo: false }, {}).workers).toBe(1);
    expect(resolveStartSettings({ noDemo: false }, { PORTICO_WORKERS: '3' }).workers).toBe(3);
    expect(resolveStartSettings({ noDemo: false, workers: '2' }, { PORTICO_WORKERS: '3' }).workers).toBe(2);
    expect(() => resolveStartSettings({ noDemo: false }, { PORTICO_WORKERS: 'lots' })).toThrow(/PORTICO_WORKERS/);
  });
});

describe('RestartBackoff', () => {
  it('doubles while a worker keeps dying young, up to the ceiling, and starts over after a healthy run', () => {
    const backoff = new RestartBackoff(100, 500, 30_000);
    expect(backoff.next(0, 0)).toBe(100);
    backoff.started(0, 10);
    expect(backoff.next(0, 20)).toBe(200);
    expect(backoff.next(0, 30)).toBe(400);
    expect(backoff.next(0, 40)).toBe(500);
    expect(backoff.next(1, 40)).toBe(100);
    backoff.started(0, 1_000);
    expect(backoff.next(0, 40_000)).toBe(100);
  });
});
