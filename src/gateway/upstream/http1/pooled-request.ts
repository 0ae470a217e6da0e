import type { Readable } from 'node:stream';
import type { Http1Connection } from './connection.js';
import type { UpstreamController, UpstreamHandler, UpstreamRequest } from './types.js';

/** What a request asks of its pool: to be dropped from the queue when abandoned there. */
export interface RequestQueue {
  unqueue(request: PooledRequest): void;
}

/**
 * One request's life in the pool: queued, then on a connection, then done. It is the
 * controller its handler steers the response with, and it makes sure the handler hears
 * exactly one ending (`onResponseEnd` or `onResponseError`).
 */
export class PooledRequest implements UpstreamController {
  /** The connection carrying it, once it has one. */
  connection: Http1Connection | null = null;
  done = false;
  /** Already sent once on a reused connection that turned out to be closed. */
  retried = false;
  paused = false;

  constructor(
    private readonly queue: RequestQueue,
    readonly request: UpstreamRequest,
    readonly handler: UpstreamHandler,
  ) {}

  get method(): string {
    return this.request.method;
  }

  /** It can be sent again as it was: no body, or a body still whole in memory. */
  get replayable(): boolean {
    const body = this.request.body;
    return body === null || Buffer.isBuffer(body);
  }

  get streamedBody(): Readable | null {
    const body = this.request.body;
    return body === null || Buffer.isBuffer(body) ? null : body;
  }

  pause(): void {
    if (this.done || this.paused) return;
    this.paused = true;
    this.connection?.pauseResponse();
  }

  resume(): void {
    if (this.done || !this.paused) return;
    this.paused = false;
    this.connection?.resumeResponse();
  }

  abort(reason: Error): void {
    if (this.done) return;
    const connection = this.connection;
    if (connection === null) this.queue.unqueue(this);
    else connection.abandon(this);
    this.fail(reason);
  }

  /** Tells the handler the response is complete. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.connection = null;
    this.handler.onResponseEnd(this);
  }

  /** Tells the handler the request failed. */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.connection = null;
    this.handler.onResponseError(this, err);
  }
}
