import type { AddressInfo } from 'node:net';
import { createManagementServer, type ManagementServer, type ManagementServerOptions } from '../src/management/server.js';
import { SnapshotPublisher } from '../src/management/publisher.js';
import { RESOURCE_KINDS } from '../src/model/kinds.js';
import { Keyring } from '../src/store/keyring.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/types.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const ARM = '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.ApiManagement/service/portico';

export interface Harness {
  store: Store;
  keyring: Keyring;
  server: ManagementServer;
  publisher: SnapshotPublisher;
  base: string;
  /** fetch with the admin token and JSON handling. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect response bodies freely
  body: any;
  text: string;
}

/** What a test may plug into the server (limits and the policy hooks). */
export type HarnessOptions = Pick<ManagementServerOptions, 'bodyLimit' | 'convertPolicy' | 'checkPolicy' | 'checkPolicyFragment' | 'checkSnapshot'>;

/** A real management server on port 0 over a real in-memory SQLite store. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = SqliteStore.open({ path: ':memory:' });
  const keyring = await Keyring.load({ env: {} });
  const publisher = new SnapshotPublisher({ store, keyring });
  const server = createManagementServer({ store, keyring, adminToken: ADMIN_TOKEN, publisher, ...options });
  const address: AddressInfo = await server.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    store,
    keyring,
    server,
    publisher,
    base,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${base}${path}`, init);
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    async close() {
      await server.close();
      await publisher.close();
      await store.close();
    },
  };
}

/** Everything the store holds, for "nothing changed" assertions. */
export async function storeDump(store: Store): Promise<string> {
  const all: unknown[] = [];
  for (const kind of RESOURCE_KINDS) all.push(...(await store.list(kind)).items);
  return JSON.stringify({ revision: await store.revision(), all });
}
