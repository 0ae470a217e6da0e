import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong command-line usage; main prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArguments {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * parseArgs in strict mode, with `--help`/`-h` added to every command and node's
 * TypeErrors (unknown option, missing value…) turned into a UsageError naming the command.
 */
export function parseCommandArguments(
  command: string,
  args: string[],
  options: Options,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedArguments {
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: positionals.max > 0,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  const values: ParsedArguments['values'] = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  const help = values.help === true;
  if (!help && parsed.positionals.length < positionals.min) {
    throw new UsageError('missing argument', command);
  }
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`, command);
  }
  return { values, positionals: parsed.positionals, help };
}

/** A TCP port from a flag or variable: 0–65535, 0 meaning "any free port". */
export function parsePort(value: string, name: string, command: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${name} must be a port number between 0 and 65535, got '${value}'`, command);
  }
  return Number(value);
}

/** A non-negative whole number of milliseconds. */
export function parseMilliseconds(value: string, name: string, command: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${name} must be a whole number of milliseconds, got '${value}'`, command);
  return Number(value);
}
