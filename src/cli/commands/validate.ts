import { DeclarativeFileError } from '../../config/declarative/issues.js';
import { loadDeclarativeFile } from '../../config/declarative/load.js';
import { summarizeResources } from '../../config/declarative/summary.js';
import { parseCommandArguments } from '../arguments.js';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command.js';
import { printIssues } from '../print-issues.js';
import { dryRunApply } from '../validate/dry-run.js';

const HELP = `Usage: portico validate FILE

Checks a declarative file (YAML or JSON) without a server: syntax, structure, resource
properties, policy references and references between resources.

Prints "OK FILE: <counts>" and exits 0, or prints every problem as
  FILE:LINE:COL path: message
and exits 1.

Options:
  -h, --help   show this help
`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a declarative config file without a server',
  help: HELP,
  async run(args) {
    const { positionals, help } = parseCommandArguments('validate', args, {}, { min: 1, max: 1 });
    if (help) {
      process.stdout.write(HELP);
      return EXIT_OK;
    }
    const [file] = positionals;
    try {
      const loaded = await loadDeclarativeFile(file);
      await dryRunApply(loaded);
      process.stdout.write(`OK ${file}: ${summarizeResources(loaded.resources)}\n`);
      return EXIT_OK;
    } catch (error) {
      if (!(error instanceof DeclarativeFileError)) throw error;
      printIssues(file, error);
      return EXIT_FAILURE;
    }
  },
};
