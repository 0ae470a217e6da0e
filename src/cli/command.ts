/**
 * A CLI command: its help text and what runs it. `run` resolves with the process exit
 * code; a long-running command (start) resolves only when it has shut down.
 */
export interface Command {
  name: string;
  /** One line for `portico --help`. */
  summary: string;
  /** Full `portico <name> --help` text. */
  help: string;
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Wrong usage: unknown flag, missing argument (the convention of most Unix tools). */
export const EXIT_USAGE = 2;
