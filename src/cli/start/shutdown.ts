/** Where the CLI reports what it is doing; stderr, one short line each. */
export type Say = (message: string) => void;

export const sayOnStderr: Say = (message) => {
  process.stderr.write(`portico: ${message}\n`);
};

/**
 * Resolves with the first SIGTERM/SIGINT. A second signal while the graceful stop is
 * still running means the operator has lost patience (or the orchestrator's grace period
 * is over): exit at once rather than make them reach for SIGKILL.
 */
export function waitForShutdownSignal(say: Say): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received === undefined) {
        received = signal;
        resolve(signal);
        return;
      }
      say(`${signal} received again, exiting without waiting`);
      process.exit(1);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * After a graceful stop the process should end by itself; if a stray handle (a keep-alive
 * socket, a timer in a library) keeps the loop alive, this unref'd timer ends it anyway
 * without delaying a clean exit.
 */
export function exitEvenIfHandlesLinger(code: number, afterMs = 2_000): void {
  setTimeout(() => process.exit(code), afterMs).unref();
}
