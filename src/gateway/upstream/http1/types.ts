import type { Readable } from 'node:stream';

/**
 * The upstream client's contract: what the gateway's forward phase needs from a
 * keep-alive connection pool, and nothing more. Shaped like undici's dispatch API
 * (controller + handler callbacks), so a backend call is one object and no stream or
 * promise is made per response.
 */
export interface UpstreamPool {
  /** Starts one request; every outcome reaches `handler`. */
  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void;
  /** Lets requests in flight and queued finish, then closes every connection. */
  close(): Promise<void>;
  /** Cuts every connection now; requests in flight or queued fail. */
  destroy(): Promise<void>;
}

export interface UpstreamRequest {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  /** Lower-case names; a `host` here replaces the origin's. */
  headers: Record<string, string | string[]>;
  /** A buffer is sent with its Content-Length; a stream is sent with the given Content-Length, else chunked. */
  body: Buffer | Readable | null;
  /** Most time from sending the request to the response's headers, ms (0: none). */
  headersTimeout: number;
  /** Most time between two pieces of the response body, ms (0: none). */
  bodyTimeout: number;
}

/** Flow control of one request's response, handed to its handler. */
export interface UpstreamController {
  /** Advisory: data already read may still arrive. */
  pause(): void;
  resume(): void;
  /** Ends the request; the handler's `onResponseError` gets `reason`, unless it already ended. */
  abort(reason: Error): void;
}

export interface UpstreamHandler {
  /** Called at once by `dispatch`. */
  onRequestStart(controller: UpstreamController): void;
  /** Status (≥ 200) and headers (lower-case names; a repeated header becomes an array). */
  onResponseStart(controller: UpstreamController, statusCode: number, headers: Record<string, string | string[]>): void;
  onResponseData(controller: UpstreamController, chunk: Buffer): void;
  onResponseEnd(controller: UpstreamController): void;
  /** The request failed, before or during the response; called at most once, and nothing follows it. */
  onResponseError(controller: UpstreamController, err: Error): void;
}

export type UpstreamErrorCode =
  | 'UPSTREAM_CONNECT_TIMEOUT'
  | 'UPSTREAM_HEADERS_TIMEOUT'
  | 'UPSTREAM_BODY_TIMEOUT'
  /** The backend's response is not valid HTTP/1.1 (or exceeds a limit). */
  | 'UPSTREAM_BAD_RESPONSE'
  /** The connection closed before the response was complete. */
  | 'UPSTREAM_CLOSED'
  /** The request body ended shorter or longer than its Content-Length, or a header is not sendable. */
  | 'UPSTREAM_BAD_REQUEST'
  /** The pool was closed or destroyed. */
  | 'UPSTREAM_POOL_CLOSED';

export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export const UPSTREAM_TIMEOUT_CODES: ReadonlySet<string> = new Set<UpstreamErrorCode>([
  'UPSTREAM_CONNECT_TIMEOUT',
  'UPSTREAM_HEADERS_TIMEOUT',
  'UPSTREAM_BODY_TIMEOUT',
]);
