import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { GatewayServerResponse, RequestContext, StreamedBody } from '../context.js';
import { CLIENT_CLOSED_REQUEST } from '../errors.js';
import { withoutResponseHopByHop } from '../edge/hop-by-hop.js';
import type { UpstreamController, UpstreamHandler } from './http1/types.js';

type Controller = UpstreamController;

/**
 * One call to a backend, as the upstream pool's handler, and the backend's response body.
 *
 * A handler rather than a promise of a response stream because this is the hot path: no
 * AbortController, no intermediate Readable and no stream pipeline per response. The body is held (the
 * socket paused) from the response headers until the gateway decides what to send, so
 * outbound policies run before a byte reaches the client; then chunks go straight into
 * the client response, pausing the backend whenever the client is slower.
 */
export class UpstreamExchange implements UpstreamHandler, StreamedBody {
  /** Resolves when the backend's response headers are in (`ctx.response` is set); rejects on failure before that. */
  readonly started: Promise<void>;
  private resolveStarted!: () => void;
  private rejectStarted!: (err: unknown) => void;

  private controller: Controller | null = null;
  private responseStarted = false;
  private sink: ServerResponse | null = null;
  private readable: Readable | null = null;
  /** Chunks that arrived before anyone consumed the body (pause is advisory). */
  private queued: Buffer[] | null = null;
  private ended = false;
  /** A 'drain' listener is waiting on the client response. */
  private awaitingDrain = false;
  private failed: Error | null = null;
  private cancelled = false;
  /** For backend timings (performance.now(), ms): when the call started and when its response headers came (0: not yet). */
  readonly startedAt = performance.now();
  respondedAt = 0;
  /** The backend's status code (0 until its response headers came). */
  statusCode = 0;

  constructor(
    private readonly ctx: RequestContext,
    /** Maps a transport error to what the client is told (before the response started). */
    private readonly mapError: (err: unknown, ctx: RequestContext) => unknown,
  ) {
    this.started = new Promise<void>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
  }

  // --- pool handler ---------------------------------------------------------------

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.cancelled) controller.abort(CLIENT_CLOSED_REQUEST);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: Record<string, string | string[]>): void {
    if (statusCode < 200) return; // 1xx: informational, the real response follows
    this.controller = controller;
    this.responseStarted = true;
    this.respondedAt = performance.now();
    this.statusCode = statusCode;
    controller.pause();
    this.ctx.response = { statusCode, headers: withoutResponseHopByHop(headers), body: this };
    this.resolveStarted();
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const sink = this.sink;
    if (sink !== null) {
      if (!sink.write(chunk) && !this.awaitingDrain) {
        // Chunks already read may follow before the pause takes hold: one listener for all.
        this.awaitingDrain = true;
        controller.pause();
        sink.once('drain', resumeOnDrain);
      }
    } else if (this.readable !== null) {
      if (!this.readable.push(chunk)) controller.pause();
    } else {
      (this.queued ??= []).push(chunk);
      controller.pause();
    }
  }

  onResponseEnd(): void {
    // Backend trailers are not relayed (nor are request trailers forwarded).
    this.ended = true;
    if (this.sink !== null) this.sink.end();
    else if (this.readable !== null) this.readable.push(null);
  }

  onResponseError(_controller: Controller, err: Error): void {
    if (!this.responseStarted) {
      this.rejectStarted(this.mapError(err, this.ctx));
      return;
    }
    this.failed = err;
    // Mid-body: too late for a status, so the client connection is cut.
    if (this.sink !== null) this.sink.destroy(err);
    else if (this.readable !== null) this.readable.destroy(err);
  }

  // --- StreamedBody -----------------------------------------------------------------

  pipeTo(res: ServerResponse): void {
    this.sink = res;
    const queued = this.queued;
    this.queued = null;
    if (queued !== null) for (const chunk of queued) res.write(chunk);
    if (this.failed !== null) res.destroy(this.failed);
    else if (this.ended) res.end();
    else this.controller?.resume();
  }

  toReadable(): Readable {
    if (this.readable !== null) return this.readable;
    const readable = new Readable({
      read: () => this.controller?.resume(),
      destroy: (err, callback) => {
        if (!this.ended) this.cancel();
        callback(err);
      },
    });
    this.readable = readable;
    const queued = this.queued;
    this.queued = null;
    if (queued !== null) for (const chunk of queued) readable.push(chunk);
    if (this.failed !== null) readable.destroy(this.failed);
    else if (this.ended) readable.push(null);
    return readable;
  }

  destroy(): void {
    this.cancel();
  }

  /** Stops the backend call (the client went away, or the response is being replaced). */
  cancel(): void {
    if (this.ended || this.cancelled) return;
    this.cancelled = true;
    this.controller?.abort(CLIENT_CLOSED_REQUEST);
  }

  /** @internal The client response drained. */
  resume(): void {
    this.awaitingDrain = false;
    this.controller?.resume();
  }
}

/** Shared 'drain' listener (`this` is the client response): no closure per request. */
function resumeOnDrain(this: GatewayServerResponse): void {
  this.ctx?.upstream?.resume();
}
