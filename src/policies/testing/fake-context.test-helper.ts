/**
 * A PolicyContext without a gateway, for unit tests of policies and the engine: a recorded
 * "backend" answers forward() in memory. Integration tests in test/policies use the real gateway.
 */
import type { BackendHandle, ClientCertificateInfo, ForwardOptions, PolicyContext, PolicyResponse, ResolvedResource } from '../contract/context.js';
import type { OperationPipeline } from '../contract/pipeline.js';
import type {
  PolicyApiSource,
  PolicyOperationSource,
  PolicyProductSource,
  PolicySnapshot,
  PolicySubscriptionSource,
} from '../contract/snapshot-view.js';
import type { PolicyRequestState } from '../engine/request-state.js';

export interface ForwardRecord {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | null;
  readonly options: ForwardOptions;
}

export class FakeContext implements PolicyContext {
  method = 'GET';
  forwardHeaders: Record<string, string | string[]> = {};
  query = '';
  backendPath = '';
  backend: BackendHandle | null = { url: 'http://backend.test/base' };
  backendTimeoutMs = 300_000;
  response: PolicyResponse | null = null;
  lastError: unknown = null;
  policyState: PolicyRequestState | null = null;
  matchedParameters: ReadonlyMap<string, string> = new Map();
  api: ResolvedResource<PolicyApiSource> | null = null;
  operation: ResolvedResource<PolicyOperationSource> | null = null;
  product: ResolvedResource<PolicyProductSource> | null = null;
  subscription: ResolvedResource<PolicySubscriptionSource> | null = null;
  host = 'gateway.test';
  clientIp = '203.0.113.7';
  scheme: 'http' | 'https' = 'https';
  localPort = 443;
  originalUrl = '/';
  receivedAt = Date.now();
  clientCertificate: ClientCertificateInfo | null = null;

  /** The client's body. */
  clientBody: Buffer = Buffer.alloc(0);
  /** What would be forwarded: the client's body unless a policy replaced it. */
  forwardBody: Buffer | null | undefined = undefined;
  readonly forwarded: ForwardRecord[] = [];
  /** How the fake backend answers. */
  backendAnswer: (record: ForwardRecord) => PolicyResponse = () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'backend' });

  async bufferRequestBody(): Promise<Buffer> {
    if (this.forwardBody === undefined) this.forwardBody = this.clientBody;
    return this.forwardBody ?? Buffer.alloc(0);
  }

  setRequestBody(body: Buffer | null): void {
    this.forwardBody = body;
  }

  get requestBodyBytes(): number {
    return (this.forwardBody === undefined ? this.clientBody : this.forwardBody)?.length ?? 0;
  }

  resolveBackendUrl(url: string): BackendHandle {
    return { url };
  }

  async forward(options: ForwardOptions): Promise<void> {
    const base = (this.backend?.url ?? '').replace(/\/$/, '');
    const path = base + this.backendPath;
    const record: ForwardRecord = {
      method: this.method,
      url: this.query === '' ? path : `${path}?${this.query}`,
      headers: { ...this.forwardHeaders },
      body: this.forwardBody === undefined ? this.clientBody : this.forwardBody,
      options,
    };
    this.forwarded.push(record);
    this.response = this.backendAnswer(record);
  }

  /** Resolves the context to the snapshot's first API/operation (or the named ones). */
  resolve(snapshot: PolicySnapshot, ids: { api?: string; operation?: string; product?: string; subscription?: string } = {}): this {
    const api = ids.api === undefined ? snapshot.apis[0] : snapshot.apis.find((a) => a.id === ids.api);
    if (api !== undefined) this.api = { id: api.id, source: api };
    const operation = snapshot.operations.find((o) => o.apiId === api?.id && (ids.operation === undefined || o.id === ids.operation));
    if (operation !== undefined) this.operation = { id: operation.id, source: operation };
    const product = ids.product === undefined ? undefined : snapshot.products.find((p) => p.id === ids.product);
    if (product !== undefined) this.product = { id: product.id, source: product };
    const subscription = ids.subscription === undefined ? undefined : snapshot.subscriptions.find((s) => s.id === ids.subscription);
    if (subscription !== undefined) this.subscription = { id: subscription.id, source: subscription };
    return this;
  }
}

/** The gateway's phase order (pipeline.ts), for unit tests: inbound → backend → outbound, on-error on a throw. */
export async function runPipeline(pipeline: OperationPipeline | undefined, ctx: FakeContext): Promise<void> {
  try {
    if (pipeline === undefined) {
      await ctx.forward({ timeoutMs: 300_000 });
      return;
    }
    await pipeline.inbound?.(ctx);
    if (ctx.response === null) await (pipeline.backend !== undefined ? pipeline.backend(ctx) : ctx.forward({ timeoutMs: 300_000 }));
    await pipeline.outbound?.(ctx);
  } catch (error) {
    ctx.response = null;
    ctx.lastError = error;
    if (pipeline?.onError === undefined) throw error;
    await pipeline.onError(ctx);
  }
}

/** A snapshot with one API (`echo`, path `echo`) and one operation (`get`, GET /items/{id}). */
export function testSnapshot(extra: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return {
    revision: 1,
    apis: [
      {
        id: 'echo',
        displayName: 'Echo',
        path: 'echo',
        serviceUrl: 'http://backend.test/base',
        apiRevision: '1',
        isCurrent: true,
        subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
      },
    ],
    operations: [{ apiId: 'echo', id: 'get', displayName: 'Get item', method: 'GET', urlTemplate: '/items/{id}', responses: [] }],
    products: [],
    subscriptions: [],
    users: [],
    groups: [],
    backends: [],
    namedValues: [],
    policies: [],
    ...extra,
  };
}
