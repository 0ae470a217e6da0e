/**
 * A CounterStore for a gateway worker of a node cluster without Redis: every counted call
 * is decided by the one memory store in the primary (see ipc-server.ts), so limits are as
 * exact across workers as in one process. The price is an IPC round trip per counted call;
 * calls made in one turn of the event loop travel as one message to keep that cheap.
 *
 * Concurrency slots stay in this process, as the store contract asks of every store.
 * When the channel to the primary is gone (the primary died; the worker is about to exit),
 * calls are decided by `failMode` and counted in `stats`, as the Redis store does.
 * Keys are checked and shortened here (storedKey), so a long key crosses IPC as its digest.
 */
import { PorticoError } from '../model/errors.js';
import { ConcurrencySlots } from './concurrency.js';
import { degradedHit, degradedQuota } from './degraded.js';
import { COUNTER_CALLS, isCounterAnswerBatch, type CounterCall, type CounterCallBatch, type CounterChannel } from './ipc-protocol.js';
import { storedKey } from './keys.js';
import { normalizeAddHits, normalizeAddQuota, normalizeHit, normalizeQuota } from './options.js';
import type {
  AddHitsOptions,
  AddQuotaOptions,
  ConcurrencyRelease,
  CounterStore,
  CounterStoreStats,
  FailMode,
  HitOptions,
  HitResult,
  QuotaOptions,
  QuotaResult,
} from './types.js';

export interface IpcCounterStoreOptions {
  /** Decision when the primary can no longer be asked, or does not answer in time. Default 'open'. */
  failMode?: FailMode;
  /**
   * Longest wait for the primary's answer, ms (default 2 s): a primary stuck in synchronous
   * work must not hold every counted request of every worker. Generous, because a decision by
   * the fail mode is no longer exact.
   */
  timeoutMs?: number;
}

const DEFAULT_IPC_TIMEOUT_MS = 2_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The answer when the primary cannot give one. */
  degraded(): unknown;
}


/** An error the primary's store raised for a call (a bug in the caller: options are checked here first). */
export class IpcCounterError extends PorticoError {
  constructor(message: string) {
    super('CounterStoreFailed', 500, message);
  }
}

export class IpcCounterStore implements CounterStore {
  /** The primary's memory store answers. */
  readonly kind = 'memory';
  private readonly counts = { failOpen: 0, failClosed: 0, droppedIncrements: 0, errors: 0 };
  private readonly slots = new ConcurrencySlots();
  private readonly failMode: FailMode;
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private queue: CounterCall[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private lost = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly channel: CounterChannel,
    options: IpcCounterStoreOptions = {},
  ) {
    this.failMode = options.failMode ?? 'open';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_IPC_TIMEOUT_MS;
    this.unsubscribe = channel.onMessage((message) => this.receive(message));
  }

  get stats(): CounterStoreStats {
    return { ...this.counts };
  }

  async hit(key: string, options: HitOptions): Promise<HitResult> {
    const { limit, windowMs, increment } = normalizeHit(options);
    return this.call({ id: 0, op: 'hit', key: storedKey(key), options }, () => {
      return degradedHit(this.countFailure(), limit, windowMs, increment);
    }) as Promise<HitResult>;
  }

  async addHits(key: string, options: AddHitsOptions): Promise<void> {
    if (normalizeAddHits(options).increment === 0) return;
    await this.call({ id: 0, op: 'addHits', key: storedKey(key), options }, () => this.counts.droppedIncrements++);
  }

  async quota(key: string, options: QuotaOptions): Promise<QuotaResult> {
    const q = normalizeQuota(options);
    return this.call({ id: 0, op: 'quota', key: storedKey(key), options }, () =>
      degradedQuota(this.countFailure(), q, q.incrementCalls, q.incrementBytes),
    ) as Promise<QuotaResult>;
  }

  async addQuota(key: string, options: AddQuotaOptions): Promise<void> {
    const period = normalizeAddQuota(options);
    if (period.incrementCalls === 0 && period.incrementBytes === 0) return;
    await this.call({ id: 0, op: 'addQuota', key: storedKey(key), options }, () => this.counts.droppedIncrements++);
  }

  acquire(key: string, max: number): ConcurrencyRelease | null {
    return this.slots.acquire(key, max);
  }

  /** The primary is gone: calls waiting for it and every later call are decided by the fail mode. */
  channelLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.queue = [];
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const call of waiting) call.resolve(call.degraded());
  }

  async close(): Promise<void> {
    this.channelLost();
    this.unsubscribe();
    this.slots.clear();
  }

  private call(call: CounterCall, degraded: () => unknown): Promise<unknown> {
    if (this.lost) return Promise.resolve(degraded());
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, degraded });
      this.queue.push({ ...call, id });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.lost) return;
    const batch: CounterCallBatch = { type: COUNTER_CALLS, calls: this.queue };
    this.queue = [];
    try {
      this.channel.send(batch);
    } catch {
      this.counts.errors++;
      this.channelLost();
      return;
    }
    setTimeout(() => this.expire(batch), this.timeoutMs).unref();
  };

  /** Calls of `batch` still unanswered after the timeout are decided by the fail mode. */
  private expire(batch: CounterCallBatch): void {
    for (const { id } of batch.calls) {
      const call = this.pending.get(id);
      if (call === undefined) continue;
      this.pending.delete(id);
      this.counts.errors++;
      call.resolve(call.degraded());
    }
  }

  private receive(message: unknown): void {
    if (!isCounterAnswerBatch(message)) return;
    for (const answer of message.answers) {
      const call = this.pending.get(answer.id);
      if (call === undefined) continue;
      this.pending.delete(answer.id);
      if (answer.error !== undefined) {
        this.counts.errors++;
        call.reject(new IpcCounterError(answer.error));
      } else call.resolve(answer.result);
    }
  }

  private countFailure(): FailMode {
    if (this.failMode === 'open') this.counts.failOpen++;
    else this.counts.failClosed++;
    return this.failMode;
  }
}
