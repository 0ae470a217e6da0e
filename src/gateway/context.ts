import type { X509Certificate } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { ForwardHeaders, InspectedRequestHeaders } from './edge/request-headers.js';
import { newHeaderBag } from './edge/header-bag.js';
import type { NormalisedPath } from './edge/request-path.js';
import type { CompiledApi, CompiledOperation, CompiledProduct, CompiledSubscription } from './model.js';
import type { BackendCertificateHandle, ClientCertificateInfo, ForwardOptions, PolicyContext } from '../policies/contract/context.js';
import type { PolicyRequestState } from '../policies/engine/request-state.js';
import { clientCertificateOf } from './client-certificate.js';
import { collectRequestBody } from './edge/request-body.js';
import type { OperationPipeline } from './policy-hooks.js';
import type { GatewayRuntime } from './runtime.js';
import type { SubscriptionTarget } from './subscriptions.js';
import type { BackendTarget } from './upstream/backend-target.js';
import { forwardToBackend } from './upstream/forward.js';
import type { UpstreamExchange } from './upstream/upstream-exchange.js';

/**
 * A body produced elsewhere and streamed to the client without buffering: the backend's
 * response body. Held until sent, so outbound policies can still replace it.
 */
export interface StreamedBody {
  /** Streams into the client response and ends it. */
  pipeTo(res: ServerResponse): void;
  /** A Readable view, for policies that read or transform the body. */
  toReadable(): Readable;
  /** Drops the body, stopping whatever produces it. */
  destroy(): void;
}

/** A response on its way to the client: from the backend, or built by a policy. */
export interface GatewayResponseMessage {
  statusCode: number;
  /** Reason phrase (set-status `reason`); node's standard phrase when absent. */
  statusMessage?: string;
  /** Lower-case names; arrays for repeated headers. */
  headers: Record<string, string | string[] | number | undefined>;
  /** Streamed bodies (the backend's, or a policy's Readable) are never buffered by the gateway. */
  body: StreamedBody | Readable | Buffer | string | null;
}

/** Per-server settings every request reads; built once, never per request. */
export interface GatewaySettings {
  readonly maxRequestBodyBytes: number;
  /** Default time to wait for the backend's response headers (forward-request `timeout`). */
  readonly backendTimeoutMs: number;
  readonly logger: Logger | undefined;
  /** Called once per request when its response is closed (finished or aborted). */
  readonly requestEnded: () => void;
  /** Metrics and access log, called once per request when its response is closed; undefined when both are off. */
  readonly observe?: (ctx: RequestContext) => void;
  /** The HTTPS listener's client CA certificates (empty without TLS or a client CA). */
  readonly clientCas: readonly X509Certificate[];
}

const NO_HEADERS: ForwardHeaders = Object.freeze(newHeaderBag());
const NO_PARAMETERS: ReadonlyMap<string, string> = new Map();

/**
 * Everything one request carries through the phases. One object per request, every
 * field present from construction (a stable shape), filled in as the phases run. Later
 * policies read and write it; the runtime reference is fixed for the request's life.
 */
export class RequestContext implements InspectedRequestHeaders, SubscriptionTarget, PolicyContext {
  // edge
  forwardHeaders: ForwardHeaders = NO_HEADERS;
  host = '';
  contentLength = -1;
  chunked = false;
  connectionTokens: string[] | null = null;
  forwardedFor: string | null = null;
  path: NormalisedPath | null = null;
  /** Raw query string without '?'; forwarded as is. */
  query = '';

  // route
  api: CompiledApi | null = null;
  operation: CompiledOperation | null = null;
  matchedParameters: ReadonlyMap<string, string> = NO_PARAMETERS;
  /** The request path after the API path ('' or starting with '/'): appended to the backend URL. */
  backendPath = '';

  // subscription
  subscription: CompiledSubscription | null = null;
  product: CompiledProduct | null = null;

  // policies and backend
  /** The method sent to the backend (set-method changes it; routing used the client's). */
  method: string;
  pipeline: OperationPipeline | null = null;
  /** The policy engine's per-request state, created by the first policy that needs it. */
  policyState: PolicyRequestState | null = null;
  /**
   * The body to send instead of the client's stream: set once a policy buffered or replaced
   * it (undefined: stream the client's body; null: send none).
   */
  requestBody: Buffer | null | undefined = undefined;
  /** When the request arrived (ms since the epoch), for context.Timestamp and Elapsed. */
  readonly receivedAt: number;
  /** When the request arrived on the monotonic clock (performance.now(), ms), for durations in metrics and logs. */
  readonly startedAt: number;
  /** When the response closed on the same clock (0 until then): read once for every observer. */
  endedAt = 0;
  /** The client connection, kept: node may have set `req.socket` to null by the time the response has closed. */
  readonly socket: Socket;
  backend: BackendTarget | null = null;
  backendTimeoutMs: number;
  /** authentication-certificate's choice; null: the backend's own client certificate, if any. */
  backendClientCertificate: BackendCertificateHandle | null = null;
  response: GatewayResponseMessage | null = null;
  lastError: unknown = null;
  /** The backend call in progress, if any (cancelled when the client goes away). */
  upstream: UpstreamExchange | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: GatewayServerResponse,
    readonly runtime: GatewayRuntime,
    readonly settings: GatewaySettings,
  ) {
    this.backendTimeoutMs = settings.backendTimeoutMs;
    this.method = req.method ?? 'GET';
    this.receivedAt = Date.now();
    this.startedAt = performance.now();
    this.socket = req.socket;
  }

  // PolicyContext: read on demand (prototype getters), so requests without policies pay nothing.

  /** The client's address; IPv4 clients on a dual-stack socket show as `::ffff:a.b.c.d`, reported as `a.b.c.d`. */
  get clientIp(): string {
    const remote = this.socket.remoteAddress;
    if (remote === undefined) return 'unknown';
    return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
  }

  get scheme(): 'http' | 'https' {
    return (this.req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  }

  get localPort(): number {
    return this.req.socket.localPort ?? 0;
  }

  get originalUrl(): string {
    return this.req.url ?? '/';
  }

  /** Read from the TLS socket when first asked, then kept for the connection. */
  get clientCertificate(): ClientCertificateInfo | null {
    return clientCertificateOf(this.req.socket, this.settings.clientCas);
  }

  /** Reads the client's body once (bounded by the gateway's body limit) and forwards that buffer from then on. */
  async bufferRequestBody(): Promise<Buffer> {
    if (this.requestBody === undefined) this.requestBody = await collectRequestBody(this);
    return this.requestBody ?? EMPTY_BODY;
  }

  setRequestBody(body: Buffer | null): void {
    this.requestBody = body;
  }

  /** What has flowed of a chunked body streamed upstream (counted by forward's size limit). */
  streamedRequestBytes = 0;

  get requestBodyBytes(): number {
    if (this.requestBody !== undefined) return this.requestBody?.length ?? 0;
    return this.chunked ? this.streamedRequestBytes : Math.max(0, this.contentLength);
  }

  resolveBackendUrl(url: string): BackendTarget {
    return this.runtime.dynamicTarget(url);
  }

  forward(options: ForwardOptions): Promise<void> {
    this.backendTimeoutMs = options.timeoutMs;
    return forwardToBackend(this);
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** node's response, carrying its request's context so shared listeners need no closure. */
export class GatewayServerResponse extends ServerResponse<IncomingMessage> {
  ctx: RequestContext | null = null;
}
