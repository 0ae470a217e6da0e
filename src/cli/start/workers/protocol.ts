/**
 * Messages between the primary of `portico start --workers N` and its gateway workers,
 * over node's cluster IPC (JSON). Counter calls have their own messages (counters/ipc-protocol).
 *
 *   worker ─ ready ─► primary ─ snapshot(s) ─► worker ─ applied ─► … ─ listening ─► primary
 *   primary ─ drain ─► worker (closes its listener, lets in-flight requests finish, exits 0)
 */
import type { ConfigSnapshot } from '../../../config/snapshot.js';
import type { CounterChannel } from '../../../counters/ipc-protocol.js';
import type { TlsFiles } from '../settings.js';

/** Any message channel: the worker's `process`, the primary's handle on a worker. */
export type IpcChannel = CounterChannel;

export type PrimaryMessage =
  | { type: 'portico:snapshot'; snapshot: ConfigSnapshot }
  | { type: 'portico:drain'; drainMs: number }
  /** The admin port's /metrics is being scraped: send your registry's metrics as JSON. */
  | { type: 'portico:metrics-request'; requestId: number };

export type WorkerMessage =
  /** Listening for messages: the primary may send snapshots now. */
  | { type: 'portico:ready' }
  | { type: 'portico:applied'; revision: number }
  | { type: 'portico:rejected'; revision: number; message: string }
  /** Serving: the first snapshot is applied and the listener is bound. */
  | { type: 'portico:listening'; port: number }
  /** Could not start (listen error, policy modules that do not load); the worker exits next. */
  | { type: 'portico:failed'; message: string; code?: string }
  /** prom-client's `getMetricsAsJSON()` of the worker's registry (empty when metrics are off). */
  | { type: 'portico:metrics'; requestId: number; metrics: object[] };

/** How the primary tells a worker where to listen (an environment variable, read once at start). */
export const WORKER_SETTINGS_ENV = 'PORTICO_GATEWAY_WORKER';

export interface WorkerSettings {
  host: string;
  port: number;
  /** The gateway's PEM files (--tls-cert…); each worker reads them itself. */
  tls?: TlsFiles;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const PRIMARY_TYPES = new Set(['portico:snapshot', 'portico:drain', 'portico:metrics-request']);
const WORKER_TYPES = new Set(['portico:ready', 'portico:applied', 'portico:rejected', 'portico:listening', 'portico:failed', 'portico:metrics']);

export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  if (!isRecord(message) || !PRIMARY_TYPES.has(message.type as string)) return false;
  if (message.type === 'portico:drain') return typeof message.drainMs === 'number';
  if (message.type === 'portico:metrics-request') return typeof message.requestId === 'number';
  return isRecord(message.snapshot) && typeof message.snapshot.revision === 'number';
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return isRecord(message) && WORKER_TYPES.has(message.type as string);
}

export function parseWorkerSettings(value: string | undefined): WorkerSettings {
  const parsed = JSON.parse(value ?? 'null') as unknown;
  if (!isRecord(parsed) || typeof parsed.host !== 'string' || typeof parsed.port !== 'number') {
    throw new Error(`${WORKER_SETTINGS_ENV} is missing or malformed: this process must be started by portico start --workers`);
  }
  return { host: parsed.host, port: parsed.port, ...(isRecord(parsed.tls) ? { tls: parsed.tls as unknown as TlsFiles } : {}) };
}
