import { PorticoError } from '../../model/errors.js';

/** A start-up failure the operator can fix (port taken, data folder unusable): one line, no stack. */
export class StartupError extends PorticoError {
  constructor(message: string) {
    super('StartupFailed', 500, message);
  }
}

/** Why a listener could not bind, as an operator reads it: `cannot listen for the {what} on H:P: reason`. */
export function listenFailure(what: string, host: string, port: number, error: unknown): StartupError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason =
    code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EACCES' ? 'permission denied' : (code ?? (error instanceof Error ? error.message : String(error)));
  return new StartupError(`cannot listen for the ${what} on ${host}:${port}: ${reason}`);
}
