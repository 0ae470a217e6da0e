import type { ServerOptions } from 'node:http';

/** Limits of the public listener. Every field has a safe default (see EDGE_DEFAULTS). */
export interface EdgeLimits {
  /** Largest request line + headers, bytes (node answers 431 beyond it). */
  maxHeaderSize: number;
  /** Time a client has to send the complete request headers, ms. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included, ms (0 disables). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, ms. */
  keepAliveTimeoutMs: number;
  /** Largest request body the gateway forwards, bytes; larger ones get 413. */
  maxRequestBodyBytes: number;
  /** How often node checks connections for the headers/request timeouts, ms (the timeouts can overshoot by this much). */
  connectionsCheckingIntervalMs: number;
}

export const EDGE_DEFAULTS: EdgeLimits = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestBodyBytes: 100 * 1024 * 1024,
  connectionsCheckingIntervalMs: 30_000,
};

/**
 * Node server options pinned rather than inherited, so a changed node default (or a
 * `--insecure-http-parser` flag) cannot quietly loosen the front door.
 */
export function edgeServerOptions(limits: EdgeLimits): ServerOptions {
  return {
    insecureHTTPParser: false,
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Pinned off on purpose: node answers a missing Host itself with an empty 400 that no
    // clientError handler sees. The edge phase enforces Host on HTTP/1.1 instead, with the
    // gateway's JSON error (inspectRequestHeaders' `hostRequired`).
    requireHostHeader: false,
    // Duplicates must stay visible in rawHeaders for the edge checks; never merged.
    joinDuplicateHeaders: false,
  };
}
