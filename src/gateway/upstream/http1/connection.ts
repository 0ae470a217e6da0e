import { connect as netConnect, type Socket, type LookupFunction } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { PooledRequest } from './pooled-request.js';
import { declaredLength, requestHead, type BodyFraming } from './request-head.js';
import { ResponseParser, type ResponseSink } from './response-parser.js';
import { UpstreamError } from './types.js';

/** Where one backend is, and how to reach it. */
export interface ConnectTarget {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** The `host` header sent when the request has none. */
  hostHeader: string;
  /** TLS settings for an https: origin, null for http:. */
  tls: ConnectionOptions | null;
  connectTimeoutMs: number;
  /** Address lookup (the outbound address guard), or node's default. */
  lookup: LookupFunction | undefined;
}

/** What a connection tells the pool that owns it. */
export interface ConnectionOwner {
  /** The connection finished its request and can carry another. */
  connectionIdle(connection: Http1Connection): void;
  /** The connection is closed and no longer usable. */
  connectionGone(connection: Http1Connection): void;
  /** A request found its reused connection already closed by the backend: send it again. */
  resend(request: PooledRequest): void;
  /** A TLS session to resume on the next connection to this origin. */
  tlsSession: Buffer | undefined;
}

const enum Phase {
  Connecting,
  /** Request sent, waiting for the response's headers. */
  AwaitingHead,
  /** Reading the response body. */
  Body,
  Idle,
  Closed,
}

/** Reused connections whose first read fails like this were closed by the backend while idle. */
const STALE_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UPSTREAM_CLOSED']);
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * One keep-alive HTTP/1.1 connection to a backend, carrying one request at a time (no
 * pipelining). It writes the request head in one write, streams a request body with
 * backpressure, parses the response, and enforces the connect, headers and body
 * timeouts and the idle lifetime with a single timer per connection that is re-armed
 * only when a deadline moves earlier (a body chunk just moves the deadline).
 */
export class Http1Connection implements ResponseSink {
  private readonly socket: Socket;
  private readonly hostHeader: string;
  private readonly parser = new ResponseParser(this);
  private request: PooledRequest | null = null;
  private phase = Phase.Connecting;
  /** Requests this connection has completed. */
  private served = 0;
  /** Whether any byte of the current request's response came. */
  private responded = false;
  /** False while a streamed request body is still being sent. */
  private requestSent = true;
  private bodySource: BodyPump | null = null;

  /** When an idle connection is due to be closed (performance.now() ms). */
  idleUntil = 0;

  /** When the current phase times out (performance.now() ms), 0 for never. */
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private readonly onTimer = (): void => this.timerFired();

  constructor(
    private readonly owner: ConnectionOwner,
    target: ConnectTarget,
  ) {
    const tls = target.tls;
    const socket =
      tls === null
        ? netConnect({ host: target.host, port: target.port, lookup: target.lookup, noDelay: true })
        : tlsConnect({ ...tls, host: target.host, port: target.port, lookup: target.lookup, session: owner.tlsSession });
    if (tls !== null) {
      socket.setNoDelay(true);
      socket.on('session', (session: Buffer) => (owner.tlsSession = session));
    }
    socket.setKeepAlive(true, 60_000);
    socket.once(tls === null ? 'connect' : 'secureConnect', () => {
      if (this.phase === Phase.Connecting) this.sent();
    });
    socket.on('data', (data: Buffer) => this.received(data));
    socket.on('end', () => this.backendEnded());
    socket.on('error', (err: Error) => this.failed(err));
    socket.on('close', () => this.backendEnded());
    this.socket = socket;
    this.hostHeader = target.hostHeader;
    this.watch(target.connectTimeoutMs);
  }

  /** Sends a request on this connection (connecting first if it is new). */
  assign(request: PooledRequest): void {
    this.request = request;
    request.connection = this;
    this.responded = false;
    // A new connection starts the headers wait once connected; a reused one now (it may come
    // straight from its previous response when a request was waiting).
    if (this.phase !== Phase.Connecting) {
      if (this.phase === Phase.Idle) this.socket.ref();
      this.phase = Phase.AwaitingHead;
      this.watch(request.request.headersTimeout);
    }
    const { method, path, headers, body } = request.request;
    let framing: BodyFraming;
    let head: string;
    try {
      if (body === null) framing = NO_BODY;
      else if (Buffer.isBuffer(body)) framing = { kind: 'length', length: body.length };
      else {
        const length = declaredLength(headers);
        framing = length === -1 ? CHUNKED : { kind: 'length', length };
      }
      head = requestHead(method, path, this.hostHeader, headers, framing);
    } catch (err) {
      // Nothing was written: a connected connection stays good for the next request; a new
      // one is closed rather than left idle before its connect timeout could apply.
      this.request = null;
      request.connection = null;
      if (this.phase === Phase.Connecting) this.close();
      else this.afterRequest(true);
      request.fail(err as Error);
      return;
    }
    this.parser.start(method === 'HEAD');
    const socket = this.socket;
    if (body === null) {
      socket.write(head, 'latin1');
    } else if (Buffer.isBuffer(body)) {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    } else {
      socket.write(head, 'latin1');
      this.requestSent = false;
      this.bodySource = new BodyPump(this, socket, body, framing.kind === 'chunked' ? -1 : (framing as { length: number }).length);
    }
  }

  /** The handler gave up on its request: the connection cannot be trusted with another. */
  abandon(request: PooledRequest): void {
    if (this.request !== request) return;
    this.request = null;
    this.close();
  }

  pauseResponse(): void {
    // Before the head, a pause waits for it: the response is what is paused.
    if (this.phase !== Phase.Body) return;
    this.socket.pause();
    // A paused response is the client's pace, not the backend's: no body timeout meanwhile.
    this.deadline = 0;
  }

  resumeResponse(): void {
    if (this.phase !== Phase.Body) return;
    this.watch(this.request?.request.bodyTimeout ?? 0);
    this.socket.resume();
  }

  /** Closes the connection at once (pool shutdown); a request on it fails with `reason`. */
  destroy(reason: Error): void {
    const request = this.request;
    this.request = null;
    this.close();
    request?.fail(reason);
  }

  /**
   * Waits for the next request until `idleUntil` (performance.now() ms). The pool's sweep
   * closes it after that: a timer re-armed per request would cost more than the request.
   */
  idle(idleUntil: number): void {
    this.phase = Phase.Idle;
    this.deadline = 0;
    this.idleUntil = idleUntil;
    this.socket.unref();
  }

  /** The backend's keep-alive hint from its last response (ms, 0: none). */
  get keepAliveHintMs(): number {
    return this.parser.keepAliveHintMs;
  }

  /** Closes an idle connection (its lifetime is over, or the pool is closing). */
  retire(): void {
    if (this.request === null) this.close();
  }

  /**
   * The wait for the response's headers starts over: when the request body is fully
   * written, and when the backend stops taking it (from then on it may be busy answering).
   */
  restartHeadersWait(): void {
    if (this.phase === Phase.AwaitingHead) this.watch(this.request?.request.headersTimeout ?? 0);
  }

  /** Body of a streamed request fully written. */
  requestBodySent(): void {
    this.requestSent = true;
    this.bodySource = null;
    this.restartHeadersWait();
  }

  // --- ResponseSink ------------------------------------------------------------------

  onHead(statusCode: number, headers: Record<string, string | string[]>): void {
    const request = this.request!;
    this.phase = Phase.Body;
    this.watch(request.request.bodyTimeout);
    if (request.paused) this.pauseResponse();
    request.handler.onResponseStart(request, statusCode, headers);
  }

  onBody(chunk: Buffer): void {
    const request = this.request;
    if (request === null) return;
    const bodyTimeout = request.request.bodyTimeout;
    if (bodyTimeout > 0 && !request.paused) this.deadline = performance.now() + bodyTimeout;
    request.handler.onResponseData(request, chunk);
  }

  onComplete(): void {
    const request = this.request!;
    this.request = null;
    this.served++;
    // The handler may have paused a response that then completed from bytes already read.
    if (request.paused) this.socket.resume();
    const reusable = this.parser.keepAlive && this.requestSent;
    // The handler hears the end before the connection can take the next request, so nothing
    // it does is mistaken for that request's doing.
    request.end();
    if (reusable) this.afterRequest(true);
    else {
      // Not reusable, or the backend answered before taking the whole body (the rest cannot
      // be sent any more).
      this.close();
    }
  }

  // --- socket events -----------------------------------------------------------------

  private sent(): void {
    this.phase = Phase.AwaitingHead;
    this.watch(this.request?.request.headersTimeout ?? 0);
  }

  private received(data: Buffer): void {
    if (this.request === null) {
      // Idle, or abandoned: nothing may arrive now, so the connection is not reused.
      if (this.phase === Phase.Idle) this.close();
      return;
    }
    this.responded = true;
    try {
      this.parser.execute(data);
    } catch (err) {
      this.failed(err as Error);
    }
  }

  private backendEnded(): void {
    if (this.phase === Phase.Closed) return;
    if (this.request !== null) {
      try {
        // A body delimited by the close completes here.
        this.parser.finish();
      } catch (err) {
        this.failed(err as Error);
        return;
      }
    }
    this.close();
  }

  /** The connection broke: its request is sent again (a stale keep-alive) or fails. */
  failed(err: Error): void {
    const request = this.request;
    this.request = null;
    const stale = this.served > 0 && !this.responded && this.phase === Phase.AwaitingHead;
    this.close();
    if (request === null) return;
    const code = (err as { code?: string }).code;
    if (stale && !request.retried && request.replayable && IDEMPOTENT.has(request.method) && code !== undefined && STALE_CONNECTION_CODES.has(code)) {
      request.retried = true;
      request.connection = null;
      this.owner.resend(request);
      return;
    }
    request.fail(err);
  }

  // --- lifecycle ---------------------------------------------------------------------

  private afterRequest(reusable: boolean): void {
    if (reusable && this.phase !== Phase.Closed) this.owner.connectionIdle(this);
    else this.close();
  }

  private close(): void {
    if (this.phase === Phase.Closed) return;
    this.phase = Phase.Closed;
    this.deadline = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.parser.stop();
    this.bodySource?.stop();
    this.bodySource = null;
    this.socket.destroy();
    this.owner.connectionGone(this);
  }

  // --- one timer for every deadline ---------------------------------------------------

  private watch(ms: number): void {
    if (ms <= 0) {
      this.deadline = 0;
      return;
    }
    const at = performance.now() + ms;
    this.deadline = at;
    // A pending timer that fires no later than the deadline is kept: it re-arms itself.
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref();
  }

  private timerFired(): void {
    this.timer = null;
    if (this.deadline === 0 || this.phase === Phase.Closed) return;
    const left = this.deadline - performance.now();
    if (left > 1) {
      this.timerAt = this.deadline;
      this.timer = setTimeout(this.onTimer, left);
      this.timer.unref();
      return;
    }
    switch (this.phase) {
      case Phase.Idle:
        return;
      case Phase.Connecting:
        this.failed(new UpstreamError('UPSTREAM_CONNECT_TIMEOUT', 'Connecting to the backend timed out.'));
        return;
      case Phase.AwaitingHead:
        // While the client is still uploading and the backend keeps reading, the wait is
        // the client's, not the backend's (its own request timeout applies): start over.
        if (!this.requestSent && !this.socket.writableNeedDrain) {
          this.restartHeadersWait();
          return;
        }
        this.failed(new UpstreamError('UPSTREAM_HEADERS_TIMEOUT', "The backend's response headers did not come in time."));
        return;
      default:
        this.failed(new UpstreamError('UPSTREAM_BODY_TIMEOUT', "The backend's response body stalled."));
    }
  }
}

function ignoreError(): void {
  // Deliberately empty: see BodyPump.stop.
}

const NO_BODY: BodyFraming = { kind: 'none' };
const CHUNKED: BodyFraming = { kind: 'chunked' };
const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * Streams a request body onto the connection, chunked when its length is unknown, with
 * backpressure both ways; a body shorter or longer than its declared length fails the request.
 */
class BodyPump {
  private written = 0;
  private stopped = false;
  private readonly onData = (chunk: Buffer): void => this.data(chunk);
  private readonly onEnd = (): void => this.end();
  private readonly onError = (err: Error): void => this.fail(err);
  private readonly onDrain = (): void => {
    if (!this.stopped) this.source.resume();
  };

  constructor(
    private readonly connection: Http1Connection,
    private readonly socket: Socket,
    private readonly source: import('node:stream').Readable,
    /** -1: chunked. */
    private readonly length: number,
  ) {
    source.on('data', this.onData);
    source.once('end', this.onEnd);
    source.once('error', this.onError);
    socket.on('drain', this.onDrain);
    if (source.readableEnded) this.end();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const source = this.source;
    source.off('data', this.onData);
    source.off('end', this.onEnd);
    source.off('error', this.onError);
    this.socket.off('drain', this.onDrain);
    // What is left of the body is not read (the gateway closes the client connection after
    // answering). Paused, it stops flowing; and an error it still raises (the body-size
    // limit, the client going away) must not go unheard: an unhandled 'error' ends the process.
    source.pause();
    source.on('error', ignoreError);
  }

  private data(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    this.written += chunk.length;
    if (this.length !== -1 && this.written > this.length) {
      this.fail(new UpstreamError('UPSTREAM_BAD_REQUEST', 'The request body is longer than its Content-Length.'));
      return;
    }
    let flowing: boolean;
    if (this.length === -1) {
      this.socket.cork();
      this.socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      this.socket.write(chunk);
      flowing = this.socket.write(CRLF);
      this.socket.uncork();
    } else {
      flowing = this.socket.write(chunk);
    }
    if (!flowing) {
      this.source.pause();
      this.connection.restartHeadersWait();
    }
  }

  private end(): void {
    if (this.stopped) return;
    if (this.length !== -1 && this.written !== this.length) {
      this.fail(new UpstreamError('UPSTREAM_BAD_REQUEST', 'The request body is shorter than its Content-Length.'));
      return;
    }
    if (this.length === -1) this.socket.write(LAST_CHUNK);
    this.stop();
    this.connection.requestBodySent();
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.stop();
    this.connection.failed(err);
  }
}
