import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError } from './errors.js';

/**
 * Runs transaction bodies one at a time, in call order (a promise-chain mutex).
 *
 * It also remembers, through AsyncLocalStorage, whether the caller is itself running
 * inside one of its bodies: a nested `transaction()` would wait for the body that is
 * waiting for it, so it is refused instead of hanging forever.
 */
export class TransactionQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly running = new AsyncLocalStorage<{ active: boolean }>();

  /** True when called from inside a body that has not finished yet. */
  isInsideBody(): boolean {
    return this.running.getStore()?.active === true;
  }

  run<T>(body: () => Promise<T>): Promise<T> {
    if (this.isInsideBody()) {
      return Promise.reject(
        new StoreError('NestedTransaction', 'A store transaction cannot start inside another one; use the tx you were given.'),
      );
    }
    const result = this.tail.then(() => {
      // A flag rather than the mere presence of the store: work the body left behind
      // (timers, un-awaited promises) keeps the context after the body has finished.
      const marker = { active: true };
      return this.running.run(marker, body).finally(() => {
        marker.active = false;
      });
    });
    this.tail = result.then(ignore, ignore);
    return result;
  }

  /** Resolves once every body queued so far has finished. */
  drain(): Promise<void> {
    return this.tail;
  }
}

function ignore(): void {}
