import { destination, pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The structured log the servers write, on stderr beside the CLI's own lines. The default
 * level is `warn`: an all-in-one on a laptop should not scroll a line per config change;
 * PORTICO_LOG_LEVEL=info (or debug) shows more. Synchronous so nothing is lost at exit.
 */
export function createServerLogger(level: string | undefined): Logger {
  const chosen = level !== undefined && (LOG_LEVELS as readonly string[]).includes(level) ? level : 'warn';
  return pino({ level: chosen, base: undefined }, destination({ fd: 2, sync: true }));
}
