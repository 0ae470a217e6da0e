#!/usr/bin/env node
import { PorticoError } from '../model/errors.js';
import { UsageError } from './arguments.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command } from './command.js';
import { gatewayCommand } from './commands/gateway.js';
import { startCommand } from './commands/start.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: readonly Command[] = [startCommand, gatewayCommand, validateCommand];

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}   ${command.summary}`);
  return `Usage: portico <command> [options]

Portico: self-hosted API management that speaks Azure API Management's language.

Commands:
${lines.join('\n')}

Run "portico <command> --help" for a command's options.
`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(generalHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`portico: unknown command '${name}'\n\n${generalHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`portico ${error.command}: ${error.message}\nRun "portico ${error.command} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    // Expected failures (bad config, port in use…) get one clear line; anything else is a bug and keeps its stack.
    if (error instanceof PorticoError) {
      process.stderr.write(`portico ${command.name}: ${error.message}\n`);
    } else {
      process.stderr.write(`portico ${command.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return EXIT_FAILURE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`portico: ${String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
