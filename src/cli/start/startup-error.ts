import { PorticoError } from '../../model/errors.js';

/** A start-up failure the operator can fix (port taken, data folder unusable): one line, no stack. */
export class StartupError extends PorticoError {
  constructor(message: string) {
    super('StartupFailed', 500, message);
  }
}
