import { parseArgs } from 'node:util';

/** Arguments of the bench's child-process scripts (the harness passes them; no help text needed). */
export function scriptArguments<T extends Record<string, { type: 'string' | 'boolean' }>>(spec: T): ReturnType<typeof parseArgs<{ options: T }>>['values'] {
  return parseArgs({ options: spec, strict: true }).values;
}

export function requiredNumber(value: string | boolean | undefined, name: string): number {
  const parsed = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer`);
  return parsed;
}

export function requiredString(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`--${name} is required`);
  return value;
}

/** Closes on SIGTERM/SIGINT, then exits: the harness stops every system this way. */
export function exitOnSignal(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
