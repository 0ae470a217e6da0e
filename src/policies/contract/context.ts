/**
 * The contract a compiled policy runs against: what the gateway's per-request context offers.
 * The gateway's RequestContext implements it (policies never import the gateway), so these
 * are plain fields the hot path already has, a few prototype getters and four methods for
 * the things only the gateway can do (read the client's body, talk to backends).
 */
import type { X509Certificate } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { PolicyRequestState } from '../engine/request-state.js';
import type {
  PolicyApiSource,
  PolicyOperationSource,
  PolicyProductSource,
  PolicySubscriptionSource,
} from './snapshot-view.js';

/**
 * A body produced elsewhere and not read yet (the backend's): streamed to the client
 * unless a policy asks to read it.
 */
export interface StreamedBody {
  /** A Readable view of the body, for policies that read or transform it. */
  toReadable(): Readable;
  /** Drops the body, stopping whatever produces it. */
  destroy(): void;
}

/** A response on its way to the client: from the backend, or built by a policy. */
export interface PolicyResponse {
  statusCode: number;
  /** Reason phrase sent on the status line; node's default for the code when absent. */
  statusMessage?: string;
  /** Lower-case names; arrays for repeated headers. */
  headers: Record<string, string | string[] | number | undefined>;
  /** Streamed when a StreamedBody or a Readable. */
  body: StreamedBody | Readable | Buffer | string | null;
}

/** A backend the gateway can send to; only the gateway creates them (see BackendResolver). */
export interface BackendHandle {
  /** Base URL as configured. */
  readonly url: string;
}

/**
 * A certificate the gateway can present to backends (a certificate resource with a private
 * key); only the gateway creates them (see BackendResolver.certificate).
 */
export interface BackendCertificateHandle {
  /** The certificate resource id. */
  readonly id: string;
  /** SHA-1, upper-case hex. */
  readonly thumbprint: string;
}

/** forward-request's knobs the gateway applies (redirects are followed by the policy itself). */
export interface ForwardOptions {
  /** Time to wait for the backend's response headers (and between body chunks), ms. */
  readonly timeoutMs: number;
}

/** A resource the request resolved to, as the gateway compiled it. */
export interface ResolvedResource<TSource> {
  readonly id: string;
  readonly source: TSource;
}

/**
 * The certificate a client presented on the gateway's HTTPS listener; one per connection,
 * read when first asked for. The TLS layer accepts clients whose certificate does not verify
 * (policy decides), so `verifiedByListener` says what the handshake concluded.
 */
export interface ClientCertificateInfo {
  /** The client's own (leaf) certificate. */
  readonly certificate: X509Certificate;
  /** What the client sent after its own certificate (intermediates), each the previous one's issuer. */
  readonly intermediates: readonly X509Certificate[];
  /** True when the handshake verified it against the listener's client CA (chain and validity period). */
  readonly verifiedByListener: boolean;
  /** The listener's client CA certificates (trust anchors); empty when it has none. */
  readonly trustAnchors: readonly X509Certificate[];
  /** The listener has a revocation list and the handshake found this certificate on it. */
  readonly revoked: boolean;
}

export interface PolicyContext {
  // ── the request as it will be sent to the backend (policies change these) ──
  /** Upper-case HTTP method. */
  method: string;
  /** Lower-case names; arrays for repeated headers. Hop-by-hop headers are already gone. */
  forwardHeaders: Record<string, string | string[]>;
  /** Raw query string without '?'. */
  query: string;
  /** Path after the API path ('' or starting with '/'), appended to the backend's base URL. */
  backendPath: string;
  backend: BackendHandle | null;
  /** forward-request `timeout`, ms. */
  backendTimeoutMs: number;
  /**
   * The client certificate to present to the backend over TLS (authentication-certificate);
   * null or absent: the backend's own (credentials.certificateIds), if any.
   */
  backendClientCertificate?: BackendCertificateHandle | null;

  // ── outcome ──
  response: PolicyResponse | null;
  /** The error that sent the request to on-error; null otherwise. */
  lastError: unknown;

  /** The policy engine's per-request state; null until a policy needs it. Owned by src/policies. */
  policyState: PolicyRequestState | null;

  // ── what routing and the subscription check found (read-only) ──
  readonly matchedParameters: ReadonlyMap<string, string>;
  readonly api: ResolvedResource<PolicyApiSource> | null;
  readonly operation: ResolvedResource<PolicyOperationSource> | null;
  readonly product: ResolvedResource<PolicyProductSource> | null;
  readonly subscription: ResolvedResource<PolicySubscriptionSource> | null;

  // ── the client's request as received ──
  /** The Host header ('' when absent). */
  readonly host: string;
  /** The client's address (IPv4-mapped IPv6 shown as IPv4). */
  readonly clientIp: string;
  readonly scheme: 'http' | 'https';
  /** The port the gateway received the request on. */
  readonly localPort: number;
  /** The request target as received (path and query). */
  readonly originalUrl: string;
  /** When the gateway received the request, ms since the epoch. */
  readonly receivedAt: number;
  /** The client's TLS certificate; null on plain HTTP or when none was presented. */
  readonly clientCertificate: ClientCertificateInfo | null;

  // ── what only the gateway can do ──
  /**
   * Reads the client's body into memory once (bounded by the gateway's body limit) and
   * keeps it as the body to forward; later calls return the same buffer.
   */
  bufferRequestBody(): Promise<Buffer>;
  /** Replaces the body sent to the backend (null: none); Content-Length follows. */
  setRequestBody(body: Buffer | null): void;
  /**
   * Bytes of the request body sent to the backend so far: the buffered or replaced body's
   * length, the declared Content-Length of a streamed one, or what has flowed of a chunked one
   * (quota bandwidth reads it once the exchange is over).
   */
  readonly requestBodyBytes: number;
  /** A backend for a URL computed at run time; throws (a PorticoError) for URLs the gateway refuses. */
  resolveBackendUrl(url: string): BackendHandle;
  /** Sends the request to `backend` and sets `response` (forward-request). */
  forward(options: ForwardOptions): Promise<void>;
}
