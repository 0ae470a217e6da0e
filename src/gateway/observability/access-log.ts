import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RequestContext } from '../context.js';
import type { GatewayRuntime } from '../runtime.js';
import { LineWriter } from './line-writer.js';
import { redactQuery } from './redact-query.js';

/** APIM's default key query parameter: redacted even on requests no API matched. */
const DEFAULT_KEY_QUERY = 'subscription-key';
/**
 * Query parameters that carry credentials by convention (OAuth tokens and codes, signed-URL
 * signatures, passwords): never written either, whether or not a policy reads them.
 */
const CONVENTIONAL_SECRETS = ['access_token', 'id_token', 'refresh_token', 'token', 'code', 'sig', 'signature', 'password', 'client_secret', 'api_key', 'apikey'];
/** Longest path written; longer ones are cut (a log line must stay bounded). */
const MAX_LOGGED_PATH = 2048;

export interface AccessLogOptions {
  /**
   * `'stdout'` or a file path (appended to; created when missing). Written asynchronously
   * in batches (see LineWriter): logging never blocks the event loop; `flush()` / `close()`
   * write what is pending.
   */
  destination: string;
  /** More query parameter names whose values are never written (besides every API's key parameter). */
  redactQueryParameters?: readonly string[];
}

/** One access-log line (the JSON written, in this order; absent fields are left out). */
export interface AccessLogRecord {
  /** When the line was written (the response closed), ISO 8601 UTC. */
  time: string;
  /** Request id: the policies' `context.RequestId` when one was made, else a new UUID. */
  reqId: string;
  method: string;
  /** The path as the client sent it, without the query. */
  path: string;
  /** The query with key parameters redacted; absent when empty. */
  query?: string;
  /** Status sent to the client; 0 when the client left before any response. */
  status: number;
  durationMs: number;
  /** Bytes read from / written to the connection for this exchange, heads included. */
  bytesIn: number;
  bytesOut: number;
  clientIp: string;
  api?: string;
  operation?: string;
  product?: string;
  subscription?: string;
  /** The backend's status (0: no response) and its time to response headers. */
  backendStatus?: number;
  backendMs?: number;
  /** Set when the response did not complete (client gone, backend failed mid-body). */
  aborted?: true;
}

const BYTES_SEEN = Symbol('portico.accessLogBytes');
interface CountedSocket extends Socket {
  /** bytesRead and bytesWritten at the end of the previous exchange on this connection. */
  [BYTES_SEEN]?: { read: number; written: number };
}

/**
 * The gateway's access log: one JSON line per request, batched onto the file or stdout by a
 * LineWriter. The line is a flat record built as a string: a pino logger (and its
 * sonic-boom destination) cost about ten times as much per line for what is not a log
 * message (no level, no bindings).
 * Subscription keys never appear: headers are not logged, and the query's key parameters
 * (every API's, plus `subscription-key`, plus any configured) are redacted.
 */
export class AccessLog {
  private readonly writer: LineWriter;
  private readonly extraSecrets: readonly string[];
  private readonly secretsByRuntime = new WeakMap<GatewayRuntime, ReadonlySet<string>>();
  private readonly clock = new IsoClock();
  /** Lines that could not be built (a bug, reported once as a process warning). */
  private failures = 0;

  constructor(options: AccessLogOptions) {
    this.writer = options.destination === 'stdout' ? LineWriter.toFd(1) : LineWriter.toFile(options.destination);
    this.extraSecrets = (options.redactQueryParameters ?? []).map((name) => name.toLowerCase());
  }

  /** Hot path (after the response): writes the request's line. */
  write(ctx: RequestContext): void {
    try {
      this.writer.write(this.line(ctx));
    } catch (err) {
      // Runs in the response's close event: a throw here would take the whole gateway down.
      this.failures++;
      if (this.failures === 1) process.emitWarning(`access log line not written: ${(err as Error).message}`, 'PorticoAccessLog');
    }
  }

  /**
   * The request's line, built as a string: no record object, and JSON escaping only for
   * the values that can hold arbitrary text (numbers and fixed words are written as they are).
   */
  line(ctx: RequestContext): string {
    const { req, res } = ctx;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    let path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path.length > MAX_LOGGED_PATH) path = path.slice(0, MAX_LOGGED_PATH);
    const socket = ctx.socket as CountedSocket;
    const elapsed = (ctx.endedAt === 0 ? performance.now() : ctx.endedAt) - ctx.startedAt;
    let line =
      `{"time":${this.clock.at(ctx.receivedAt + elapsed)},"reqId":"${jsonText(requestId(ctx))}","method":"${jsonText(req.method ?? '')}"` +
      `,"path":"${jsonText(path)}"`;
    if (queryAt !== -1 && queryAt < url.length - 1) {
      const query = redactQuery(url.slice(queryAt + 1), this.secretNames(ctx.runtime));
      line += `,"query":"${jsonText(query.length > MAX_LOGGED_PATH ? query.slice(0, MAX_LOGGED_PATH) : query)}"`;
    }
    line +=
      `,"status":${res.headersSent ? res.statusCode : 0},"durationMs":${milliseconds(elapsed)}` +
      `${exchangeBytes(socket)},"clientIp":"${jsonText(ctx.clientIp)}"`;
    if (ctx.api !== null) line += `,"api":"${jsonText(ctx.api.id)}"`;
    if (ctx.operation !== null) line += `,"operation":"${jsonText(ctx.operation.id)}"`;
    if (ctx.product !== null) line += `,"product":"${jsonText(ctx.product.id)}"`;
    if (ctx.subscription !== null) line += `,"subscription":"${jsonText(ctx.subscription.id)}"`;
    const upstream = ctx.upstream;
    if (upstream !== null) {
      line += `,"backendStatus":${upstream.statusCode}`;
      if (upstream.respondedAt !== 0) line += `,"backendMs":${milliseconds(upstream.respondedAt - upstream.startedAt)}`;
    }
    if (!res.writableFinished) line += ',"aborted":true';
    return `${line}}\n`;
  }

  /** Writes what is pending now (unless a batch is being written: then shortly). */
  flush(): void {
    this.writer.flushSync();
  }

  /** Lines dropped because the destination could not keep up. */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Writes what is pending and closes a file destination (stdout stays open). */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Every key query name of the runtime's APIs, lower case; computed once per snapshot. */
  private secretNames(runtime: GatewayRuntime): ReadonlySet<string> {
    let names = this.secretsByRuntime.get(runtime);
    if (names === undefined) {
      const set = new Set<string>([DEFAULT_KEY_QUERY, ...CONVENTIONAL_SECRETS, ...this.extraSecrets]);
      for (const api of runtime.apis.values()) set.add(api.keyQuery.toLowerCase());
      this.secretsByRuntime.set(runtime, (names = set));
    }
    return names;
  }
}

export function createAccessLog(options: AccessLogOptions): AccessLog {
  return new AccessLog(options);
}

function requestId(ctx: RequestContext): string {
  const state = ctx.policyState;
  if (state === null) return randomUUID();
  return (state.requestId ??= randomUUID());
}

/**
 * `value` as the inside of a JSON string literal (the line writes the quotes). Ids, paths
 * and addresses almost never hold a character JSON must escape, so a scan for one comes
 * first and the value itself is returned: no JSON.stringify (which this line called seven
 * times per request) and no intermediate quoted string.
 */
export function jsonText(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Control characters, '"', '\\', and any surrogate (JSON.stringify escapes lone ones).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(value).slice(1, -1);
  }
  return value;
}

/** '.001' … '.999' without trailing zeros, and '' for 0: the fraction of a millisecond figure. */
const THOUSANDTHS: readonly string[] = Array.from({ length: 1000 }, (_, n) => (n === 0 ? '' : `.${String(n).padStart(3, '0').replace(/0+$/, '')}`));

/**
 * Milliseconds with at most three decimals, as JSON.stringify would write the rounded
 * number, built from integers: a double's shortest decimal form costs about ten times an
 * integer's, and every line writes two.
 */
export function milliseconds(ms: number): string {
  const micros = Math.round(ms * 1000);
  if (!(micros >= 0 && micros < 1e15)) return String(Math.round(ms * 1000) / 1000);
  const whole = Math.floor(micros / 1000);
  return `${whole}${THOUSANDTHS[micros - whole * 1000]}`;
}

/**
 * A time as a quoted ISO 8601 string, formatted once per millisecond: a busy gateway writes
 * many lines within one. The line's time is the request's arrival (wall clock, taken when
 * it came) plus its duration (monotonic): no clock read of its own per line.
 */
class IsoClock {
  private ms = 0;
  private text = '';

  at(epochMs: number): string {
    const ms = Math.floor(epochMs);
    if (ms !== this.ms) {
      this.ms = ms;
      this.text = `"${new Date(ms).toISOString()}"`;
    }
    return this.text;
  }
}

/**
 * Bytes of this exchange, as the line's `bytesIn`/`bytesOut` fields: the connection's
 * counters since the previous exchange on it ended (keep-alive connections carry many).
 * Pipelined requests share the connection's counts approximately; no per-request work is
 * done before the response.
 */
function exchangeBytes(socket: CountedSocket): string {
  const read = socket.bytesRead;
  const written = socket.bytesWritten;
  const seen = socket[BYTES_SEEN];
  if (seen === undefined) {
    socket[BYTES_SEEN] = { read, written };
    return `,"bytesIn":${read},"bytesOut":${written}`;
  }
  const fields = `,"bytesIn":${read - seen.read},"bytesOut":${written - seen.written}`;
  seen.read = read;
  seen.written = written;
  return fields;
}
