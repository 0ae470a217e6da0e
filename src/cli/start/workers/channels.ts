import type { Serializable } from 'node:child_process';
import type { Worker } from 'node:cluster';
import type { IpcChannel } from './protocol.js';

// A send to a peer that has just gone away must not become an unhandled 'error' event:
// the exit handlers deal with the peer's death.
const ignoreSendError = (): void => undefined;

/** The worker's channel to the primary. */
export function primaryChannel(): IpcChannel {
  return {
    send(message) {
      if (process.connected) process.send?.(message, undefined, {}, ignoreSendError);
    },
    onMessage(listener) {
      process.on('message', listener);
      return () => process.off('message', listener);
    },
  };
}

/** The primary's channel to one worker. */
export function workerChannel(worker: Worker): IpcChannel {
  return {
    send(message) {
      if (worker.isConnected()) worker.send(message as Serializable, undefined, ignoreSendError);
    },
    onMessage(listener) {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
  };
}
