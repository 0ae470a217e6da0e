import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { createGatewayServer, type GatewayServer, type GatewayServerOptions } from '../../src/gateway/server.js';
import { StaticSnapshotSource } from './static-snapshot-source.js';

export interface TestResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json<T = unknown>(): T;
}

export interface TestRequestOptions {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | Readable | null;
}

export interface TestGateway {
  readonly gateway: GatewayServer;
  readonly source: StaticSnapshotSource;
  readonly port: number;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  /** Publishes a snapshot to the attached source (compiled and swapped in synchronously). */
  publish(snapshot: ConfigSnapshot): void;
  /** A request through the gateway on a client the harness closes; the body is read fully. */
  request(path: string, options?: TestRequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/**
 * A gateway on 127.0.0.1:0 attached to a StaticSnapshotSource, with a dedicated client.
 * Pass `null` to start with no snapshot (probe and 503 tests).
 */
export async function startTestGateway(snapshot: ConfigSnapshot | null, options: GatewayServerOptions = {}): Promise<TestGateway> {
  const gateway = createGatewayServer(options);
  const source = new StaticSnapshotSource(snapshot ?? undefined);
  gateway.attach(source);
  const { port } = await gateway.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const client = new Agent({ keepAliveTimeout: 1_000 });

  return {
    gateway,
    source,
    port,
    url,
    publish: (next) => source.publish(next),
    async request(path, opts = {}) {
      const response = await request(url + path, {
        dispatcher: client,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        body: opts.body,
      });
      const text = await response.body.text();
      return {
        statusCode: response.statusCode,
        headers: response.headers,
        text,
        json: <T>() => JSON.parse(text) as T,
      };
    },
    async close() {
      await client.close();
      await gateway.close({ drainMs: 1_000 });
    },
  };
}
