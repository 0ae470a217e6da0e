import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ConfigSnapshot, SnapshotSource } from '../config/snapshot.js';
import { PorticoError } from '../model/errors.js';
import { GatewayServerResponse, RequestContext, type GatewaySettings } from './context.js';
import { onClientError } from './edge/client-errors.js';
import { declaresBody } from './edge/request-body.js';
import { EDGE_DEFAULTS, edgeServerOptions, type EdgeLimits } from './edge/server-options.js';
import { gatewayErrorBody } from './errors.js';
import { answerJwks, isJwksRequest } from './jwks.js';
import type { AccessLog } from './observability/access-log.js';
import type { GatewayMetrics } from './observability/metrics.js';
import { runPipeline } from './pipeline.js';
import { parseClientCas, tlsServerOptions, type GatewayTlsOptions } from './tls.js';
import type { PolicyCompiler } from './policy-hooks.js';
import { writeJson } from './respond.js';
import { GatewayRuntime, compileRuntime } from './runtime.js';
import { UpstreamPools } from './upstream/pools.js';

/** APIM's gateway health probe path (the self-hosted gateway's readiness probe). */
export const STATUS_PROBE_PATH = '/status-0123456789abcdef';

export interface GatewayServerOptions extends Partial<EdgeLimits> {
  /** Structured logger; nothing is logged without one. Keys are never logged. */
  logger?: Logger;
  /** Default backend response-headers timeout, ms (APIM forward-request default: 300 s). */
  backendTimeoutMs?: number;
  /** Backend connect timeout (TCP + TLS), ms. Default 10 s. */
  backendConnectTimeoutMs?: number;
  /** Idle keep-alive connections to backends close after this, ms. Default 4 s. */
  backendKeepAliveTimeoutMs?: number;
  /** Most connections to one backend origin. Default 256. */
  maxConnectionsPerBackend?: number;
  /** Allow backends on link-local / metadata addresses. Default false. */
  allowLinkLocalBackends?: boolean;
  /** Product keys work only while the product is published. Default true (APIM: false). */
  requirePublishedProduct?: boolean;
  /** The policy engine's compiler; without it operations run with no policies. */
  policies?: PolicyCompiler;
  /** Called after a snapshot went live. */
  onSnapshotApplied?: (runtime: GatewayRuntime) => void;
  /** Called when a snapshot from an attached source was rejected (the old one keeps serving). */
  onSnapshotRejected?: (error: unknown, snapshot: ConfigSnapshot) => void;
  /** Wall clock, ms; decides when a retired signing key leaves the JWKS. Tests inject one. Default Date.now. */
  now?: () => number;
  /** Prometheus metrics to record into (observability/metrics.ts); none when absent. */
  metrics?: GatewayMetrics;
  /** One JSON line per request (observability/access-log.ts); none when absent. */
  accessLog?: AccessLog;
  /** Serve HTTPS instead of HTTP (PEM contents); the edge options apply alike. See tls.ts. */
  tls?: GatewayTlsOptions;
}

export interface GatewayServer {
  /** The node server (for TLS wrapping, metrics, tests). */
  readonly server: Server;
  /** The runtime serving new requests; undefined until a snapshot has been applied. */
  readonly runtime: GatewayRuntime | undefined;
  /** Backend origins with a live connection pool (for metrics and tests). */
  readonly backendOrigins: string[];
  /** Follows a snapshot source: every snapshot it publishes is compiled and swapped in. Returns a detach. */
  attach(source: SnapshotSource): () => void;
  /**
   * Compiles and swaps in a snapshot; throws SnapshotRejectedError (keeping the old one)
   * when it does not compile, and a `GatewayClosed` PorticoError once closing.
   */
  apply(snapshot: ConfigSnapshot): GatewayRuntime;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `drainMs`
   * (default 10 s), then cuts what is left and closes the backend pools.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

export function createGatewayServer(options: GatewayServerOptions = {}): GatewayServer {
  return new Gateway(options);
}

class Gateway implements GatewayServer {
  private readonly httpServer: Server<typeof IncomingMessage, typeof GatewayServerResponse>;
  private current: GatewayRuntime | undefined;
  private readonly pools: UpstreamPools;
  private readonly settings: GatewaySettings;
  private readonly logger: Logger | undefined;
  private readonly detachers = new Set<() => void>();
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | null = null;

  constructor(private readonly options: GatewayServerOptions) {
    const limits: EdgeLimits = {
      maxHeaderSize: options.maxHeaderSize ?? EDGE_DEFAULTS.maxHeaderSize,
      headersTimeoutMs: options.headersTimeoutMs ?? EDGE_DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? EDGE_DEFAULTS.requestTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? EDGE_DEFAULTS.keepAliveTimeoutMs,
      maxRequestBodyBytes: options.maxRequestBodyBytes ?? EDGE_DEFAULTS.maxRequestBodyBytes,
      connectionsCheckingIntervalMs: options.connectionsCheckingIntervalMs ?? EDGE_DEFAULTS.connectionsCheckingIntervalMs,
    };
    this.logger = options.logger;
    this.settings = {
      maxRequestBodyBytes: limits.maxRequestBodyBytes,
      backendTimeoutMs: options.backendTimeoutMs ?? 300_000,
      logger: options.logger,
      requestEnded: this.requestEnded,
      observe: requestObserver(options.metrics, options.accessLog),
      clientCas: parseClientCas(options.tls?.clientCa),
    };
    this.pools = new UpstreamPools({
      connectTimeoutMs: options.backendConnectTimeoutMs ?? 10_000,
      keepAliveTimeoutMs: options.backendKeepAliveTimeoutMs ?? 4_000,
      maxConnectionsPerOrigin: options.maxConnectionsPerBackend ?? 256,
      allowLinkLocalBackends: options.allowLinkLocalBackends ?? false,
    });
    const httpOptions = { ...edgeServerOptions(limits), ServerResponse: GatewayServerResponse };
    this.httpServer =
      options.tls === undefined
        ? createServer(httpOptions, this.handleRequest)
        : createHttpsServer<typeof IncomingMessage, typeof GatewayServerResponse>(
            { ...httpOptions, ...tlsServerOptions(options.tls, limits) },
            this.handleRequest,
          );
    this.httpServer.on('clientError', onClientError);
    options.metrics?.watch(this);
    // Failed handshakes (no common protocol, timeouts, scanners) end their socket; no answer is possible.
    if (options.tls !== undefined) this.httpServer.on('tlsClientError', onTlsClientError);
  }

  get server(): Server {
    return this.httpServer as unknown as Server;
  }

  get runtime(): GatewayRuntime | undefined {
    return this.current;
  }

  get backendOrigins(): string[] {
    return this.pools.origins;
  }

  apply(snapshot: ConfigSnapshot): GatewayRuntime {
    if (this.closing) throw new PorticoError('GatewayClosed', 503, 'The gateway is closing; no configuration can be applied.');
    let next: GatewayRuntime;
    try {
      next = compileRuntime(snapshot, {
        allowLinkLocalBackends: this.options.allowLinkLocalBackends,
        requirePublishedProduct: this.options.requirePublishedProduct,
        policies: this.options.policies,
      });
    } catch (err) {
      this.options.metrics?.snapshotRejected();
      throw err;
    }
    next.activate(this.pools);
    // The swap: one assignment. Requests already running keep the runtime they started with.
    const previous = this.current;
    this.current = next;
    previous?.retire();
    this.logger?.info({ revision: snapshot.revision }, 'gateway configuration applied');
    this.options.metrics?.snapshotApplied(snapshot.revision);
    this.options.onSnapshotApplied?.(next);
    return next;
  }

  attach(source: SnapshotSource): () => void {
    const unsubscribe = source.subscribe((snapshot) => {
      if (this.closing) return;
      try {
        this.apply(snapshot);
      } catch (err) {
        this.logger?.error(
          { revision: snapshot.revision, err, keptRevision: this.current?.revision },
          'gateway configuration rejected; the previous one keeps serving',
        );
        this.options.onSnapshotRejected?.(err, snapshot);
      }
    });
    const detach = (): void => {
      if (this.detachers.delete(detach)) unsubscribe();
    };
    this.detachers.add(detach);
    return detach;
  }

  listen(port = 0, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.httpServer.once('error', onError);
      this.httpServer.listen(port, host, () => {
        this.httpServer.off('error', onError);
        resolve(this.httpServer.address() as AddressInfo);
      });
    });
  }

  async close({ drainMs = 10_000 }: { drainMs?: number } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const detach of [...this.detachers]) detach();

    const closed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    this.httpServer.closeIdleConnections();
    await this.waitForDrain(drainMs);
    this.httpServer.closeAllConnections();
    await closed;

    this.current?.retire();
    await this.pools.close(1_000);
  }

  private waitForDrain(drainMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.drained = null;
        resolve();
      };
      const timer = setTimeout(finish, drainMs);
      this.drained = finish;
    });
  }

  private readonly handleRequest = (req: IncomingMessage, res: GatewayServerResponse): void => {
    const url = req.url ?? '';
    if (url.startsWith(STATUS_PROBE_PATH) && (url.length === STATUS_PROBE_PATH.length || url[STATUS_PROBE_PATH.length] === '?')) {
      this.answerProbe(req, res);
      return;
    }
    const runtime = this.current;
    if (runtime === undefined) {
      writeJson(res, 503, NOT_READY_BODY, bodyStillComing(req));
      return;
    }
    if (isJwksRequest(url)) {
      answerJwks(req, res, runtime.snapshot.signingKeys, (this.options.now ?? Date.now)(), bodyStillComing(req));
      return;
    }
    this.inFlight++;
    runtime.enter();
    const ctx = new RequestContext(req, res, runtime, this.settings);
    res.ctx = ctx;
    // 'close' fires once per response; `on` spares the wrapper `once` allocates per request.
    res.on('close', onResponseClose);
    // While draining, tell keep-alive clients to go elsewhere for their next request.
    if (this.closing) res.setHeader('connection', 'close');
    runPipeline(ctx);
  };

  private answerProbe(req: IncomingMessage, res: GatewayServerResponse): void {
    const close = bodyStillComing(req);
    if (this.current === undefined || this.closing) writeJson(res, 503, NOT_READY_BODY, close);
    else {
      res.writeHead(200, close ? PROBE_OK_CLOSE_HEADERS : PROBE_OK_HEADERS);
      res.end();
    }
  }

  /** Requests being handled now (the metrics' in-flight gauge). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  private readonly requestEnded = (): void => {
    if (--this.inFlight === 0) this.drained?.();
  };
}

const NOT_READY_BODY = gatewayErrorBody(503, 'The gateway has no configuration loaded yet.');
const PROBE_OK_HEADERS = { 'content-length': 0 };
const PROBE_OK_CLOSE_HEADERS = { 'content-length': 0, connection: 'close' };

/**
 * Answers given before the edge phase close the connection when a body is still on its
 * way, as every other early answer does (see leavesBodyUnread in respond.ts).
 */
function bodyStillComing(req: IncomingMessage): boolean {
  return !req.complete && declaresBody(req.rawHeaders);
}

function onTlsClientError(_error: Error, socket: { destroy(): void }): void {
  socket.destroy();
}

/** Shared by every response (`this` is the response): no per-request closure. */
function onResponseClose(this: GatewayServerResponse): void {
  const ctx = this.ctx;
  if (ctx === null) return;
  // The client left before the response was complete: stop the backend call too.
  if (!this.writableEnded) ctx.upstream?.cancel();
  ctx.runtime.leave();
  ctx.endedAt = performance.now();
  try {
    ctx.settings.observe?.(ctx);
  } finally {
    // A failing observer must not keep the request counted as in flight (drain would wait it out).
    ctx.settings.requestEnded();
  }
}

/** One function for what runs after each response, chosen once: nothing at all when both are off. */
function requestObserver(metrics: GatewayMetrics | undefined, accessLog: AccessLog | undefined): ((ctx: RequestContext) => void) | undefined {
  if (metrics !== undefined && accessLog !== undefined) {
    return (ctx) => {
      metrics.observe(ctx);
      accessLog.write(ctx);
    };
  }
  if (metrics !== undefined) return (ctx) => metrics.observe(ctx);
  if (accessLog !== undefined) return (ctx) => accessLog.write(ctx);
  return undefined;
}
