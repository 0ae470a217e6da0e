import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Http1Connection, type ConnectTarget, type ConnectionOwner } from './connection.js';
import { PooledRequest, type RequestQueue } from './pooled-request.js';
import { UpstreamError, type UpstreamHandler, type UpstreamPool, type UpstreamRequest } from './types.js';

export interface Http1PoolOptions {
  /** Most connections open at once; further requests wait in order. */
  connections: number;
  /** Idle connections are closed after this, ms (earlier when the backend's Keep-Alive hint says so). */
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  /** TLS settings for an https: origin (`servername` defaults to the origin's host name). */
  tls?: ConnectionOptions;
  /** Address lookup for host names (the outbound address guard). */
  lookup?: LookupFunction;
}

/** Taken off a backend's keep-alive hint: its timer and ours do not start at the same instant. */
const HINT_MARGIN_MS = 1_000;
/** How often idle connections are checked for the end of their lifetime. */
const SWEEP_INTERVAL_MS = 1_000;

/**
 * A keep-alive HTTP/1.1 connection pool for one backend origin: the gateway's upstream
 * client on the hot path.
 *
 * Hand-written instead of undici because undici's general-purpose machinery (its
 * handler wrappers, request validation and kQueue bookkeeping, the wasm parser's
 * copying) measured at about a quarter of a bare proxy's CPU per request; this pool
 * does one write per request and parses the response in place. It implements only
 * what the forward phase needs: one request per connection at a time, LIFO reuse of
 * warm connections, FIFO waiting beyond `connections`, connect / headers / body
 * timeouts, one resend of an idempotent request whose reused connection turned out to
 * be closed, and graceful close. Everything else (send-request, JWKS fetches) uses undici.
 */
export class Http1Pool implements UpstreamPool, ConnectionOwner, RequestQueue {
  tlsSession: Buffer | undefined = undefined;

  private readonly target: ConnectTarget;
  private readonly all = new Set<Http1Connection>();
  /** Idle connections, most recently used last. */
  private readonly idle: Http1Connection[] = [];
  private readonly waiting: PooledRequest[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private closing = false;
  private destroyed = false;
  private closed: (() => void) | null = null;
  private whenClosed: Promise<void> | null = null;

  constructor(
    origin: string,
    private readonly options: Http1PoolOptions,
  ) {
    const url = new URL(origin);
    const https = url.protocol === 'https:';
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.target = {
      host,
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      hostHeader: url.host,
      // SNI: the name the TLS settings give (a policy's Host), else the URL's host unless it is an address.
      tls: https ? { ...options.tls, servername: options.tls?.servername ?? (isIP(host) === 0 ? host : undefined) } : null,
      connectTimeoutMs: options.connectTimeoutMs,
      lookup: options.lookup,
    };
  }

  /** Connections open now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    const pooled = new PooledRequest(this, request, handler);
    handler.onRequestStart(pooled);
    if (pooled.done) return;
    if (this.closing || this.destroyed) {
      pooled.fail(new UpstreamError('UPSTREAM_POOL_CLOSED', 'The backend connection pool is closed.'));
      return;
    }
    this.schedule(pooled);
  }

  close(): Promise<void> {
    this.closing = true;
    this.whenClosed ??= new Promise<void>((resolve) => {
      this.closed = resolve;
    });
    this.closeIfDrained();
    return this.whenClosed;
  }

  destroy(): Promise<void> {
    this.destroyed = true;
    this.closing = true;
    const reason = new UpstreamError('UPSTREAM_POOL_CLOSED', 'The backend connection pool was destroyed.');
    for (const request of this.waiting.splice(0)) request.fail(reason);
    for (const connection of [...this.all]) connection.destroy(reason);
    this.closeIfDrained();
    return Promise.resolve();
  }

  // --- RequestQueue / ConnectionOwner ------------------------------------------------

  unqueue(request: PooledRequest): void {
    const at = this.waiting.indexOf(request);
    if (at !== -1) this.waiting.splice(at, 1);
    this.closeIfDrained();
  }

  resend(request: PooledRequest): void {
    if (this.destroyed) {
      request.fail(new UpstreamError('UPSTREAM_POOL_CLOSED', 'The backend connection pool was destroyed.'));
      return;
    }
    this.schedule(request, true);
  }

  connectionIdle(connection: Http1Connection): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      connection.assign(next);
      return;
    }
    if (this.closing) {
      connection.retire();
      return;
    }
    const lifetime = this.idleLifetime(connection.keepAliveHintMs);
    if (lifetime <= 0) {
      connection.retire();
      return;
    }
    connection.idle(performance.now() + lifetime);
    this.idle.push(connection);
    if (this.sweeper === null) {
      this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
      this.sweeper.unref();
    }
  }

  connectionGone(connection: Http1Connection): void {
    this.all.delete(connection);
    const at = this.idle.lastIndexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    // A waiting request can have the freed slot.
    const next = this.waiting.length > 0 && this.all.size < this.options.connections && !this.destroyed ? this.waiting.shift() : undefined;
    if (next !== undefined) this.open().assign(next);
    this.closeIfDrained();
  }

  // --- internals ---------------------------------------------------------------------

  private schedule(request: PooledRequest, first = false): void {
    const connection = this.takeIdle();
    if (connection !== null) connection.assign(request);
    else if (this.all.size < this.options.connections) this.open().assign(request);
    else if (first) this.waiting.unshift(request);
    else this.waiting.push(request);
  }

  /** The most recently used idle connection still within its lifetime. */
  private takeIdle(): Http1Connection | null {
    const idle = this.idle;
    while (idle.length > 0) {
      const connection = idle.pop()!;
      if (connection.idleUntil > performance.now()) return connection;
      connection.retire();
    }
    return null;
  }

  private open(): Http1Connection {
    const connection = new Http1Connection(this, this.target);
    this.all.add(connection);
    return connection;
  }

  private idleLifetime(hintMs: number): number {
    const configured = this.options.keepAliveTimeoutMs;
    return hintMs > 0 ? Math.min(configured, hintMs - HINT_MARGIN_MS) : configured;
  }

  /** Closes idle connections whose lifetime ends before the next sweep. */
  private sweep(): void {
    const horizon = performance.now() + SWEEP_INTERVAL_MS;
    for (const connection of this.idle.filter((c) => c.idleUntil <= horizon)) connection.retire();
    if (this.idle.length === 0 && this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private closeIfDrained(): void {
    if (!this.closing || this.waiting.length > 0) return;
    for (const connection of [...this.idle]) connection.retire();
    if (this.all.size > 0) return;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    const resolve = this.closed;
    this.closed = null;
    resolve?.();
  }
}
