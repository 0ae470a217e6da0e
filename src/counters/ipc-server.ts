/**
 * The primary's side of the IPC counter store: answers a worker's batched calls from the
 * one store every worker shares. The calls of a batch are started in order, and the
 * memory store decides each one synchronously when it is called, so calls from different
 * workers are serialised on the primary's event loop exactly as one process's would be.
 */
import {
  COUNTER_ANSWERS,
  isCounterCallBatch,
  type CounterAnswer,
  type CounterAnswerBatch,
  type CounterCall,
  type CounterChannel,
} from './ipc-protocol.js';
import type { CounterStore } from './types.js';

/** Serves `channel`'s counter calls from `store` until the returned function is called. */
export function serveCounters(store: CounterStore, channel: CounterChannel): () => void {
  let open = true;
  const unsubscribe = channel.onMessage((message) => {
    if (!isCounterCallBatch(message)) return;
    const pending = message.calls.map((call) => answer(store, call));
    void Promise.all(pending).then((answers) => {
      if (!open) return;
      const reply: CounterAnswerBatch = { type: COUNTER_ANSWERS, answers };
      try {
        channel.send(reply);
      } catch {
        // The worker is gone; its calls died with it.
      }
    });
  });
  return () => {
    open = false;
    unsubscribe();
  };
}

function answer(store: CounterStore, call: CounterCall): Promise<CounterAnswer> {
  let result: Promise<unknown>;
  try {
    switch (call.op) {
      case 'hit':
        result = store.hit(call.key, call.options);
        break;
      case 'addHits':
        result = store.addHits(call.key, call.options);
        break;
      case 'quota':
        result = store.quota(call.key, call.options);
        break;
      case 'addQuota':
        result = store.addQuota(call.key, call.options);
        break;
    }
  } catch (error) {
    result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return result.then(
    (value) => (value === undefined ? { id: call.id } : { id: call.id, result: value }),
    (error: unknown) => ({ id: call.id, error: error instanceof Error ? error.message : String(error) }),
  );
}
