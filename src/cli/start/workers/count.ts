import { availableParallelism } from 'node:os';
import { UsageError } from '../../arguments.js';

/** Most gateway workers `--workers` accepts: far beyond any core count Portico is sized for. */
export const MAX_WORKERS = 64;

/** `--workers` / PORTICO_WORKERS: 1…64, or `auto` for one per available core. */
export function parseWorkers(value: string, name: string, command: string): number {
  if (value === 'auto') return Math.min(Math.max(availableParallelism(), 1), MAX_WORKERS);
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new UsageError(`${name} must be a number of workers between 1 and ${MAX_WORKERS}, or 'auto', got '${value}'`, command);
  }
  return Number(value);
}
