/**
 * The wire format between IpcCounterStore (in a gateway worker) and serveCounters (in the
 * process holding the one real store). Calls travel in batches: everything a worker asks
 * for in one turn of its event loop is one message, and the answers come back as one.
 * Messages are plain JSON (node's default IPC serialisation).
 */
import type { AddHitsOptions, AddQuotaOptions, HitOptions, QuotaOptions } from './types.js';

/** A message channel: a cluster worker's `process`, the primary's `Worker`, or a test pair. */
export interface CounterChannel {
  send(message: unknown): void;
  /** Returns an unsubscribe. */
  onMessage(listener: (message: unknown) => void): () => void;
}

export type CounterCall =
  | { id: number; op: 'hit'; key: string; options: HitOptions }
  | { id: number; op: 'addHits'; key: string; options: AddHitsOptions }
  | { id: number; op: 'quota'; key: string; options: QuotaOptions }
  | { id: number; op: 'addQuota'; key: string; options: AddQuotaOptions };

export interface CounterCallBatch {
  type: typeof COUNTER_CALLS;
  calls: CounterCall[];
}

/** `result` for hit/quota, nothing for the add* calls; `error` when the store threw. */
export interface CounterAnswer {
  id: number;
  result?: unknown;
  error?: string;
}

export interface CounterAnswerBatch {
  type: typeof COUNTER_ANSWERS;
  answers: CounterAnswer[];
}

export const COUNTER_CALLS = 'portico:counter-calls';
export const COUNTER_ANSWERS = 'portico:counter-answers';

const OPS = new Set(['hit', 'addHits', 'quota', 'addQuota']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCall(value: unknown): value is CounterCall {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    typeof value.op === 'string' &&
    OPS.has(value.op) &&
    typeof value.key === 'string' &&
    isRecord(value.options)
  );
}

export function isCounterCallBatch(message: unknown): message is CounterCallBatch {
  return isRecord(message) && message.type === COUNTER_CALLS && Array.isArray(message.calls) && message.calls.every(isCall);
}

export function isCounterAnswerBatch(message: unknown): message is CounterAnswerBatch {
  return isRecord(message) && message.type === COUNTER_ANSWERS && Array.isArray(message.answers);
}
