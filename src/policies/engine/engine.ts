/**
 * The policy engine: a registry of policies, the snapshot compiler the gateway calls, and
 * the save-time checker management calls. Create one per process with createPolicyEngine().
 */
import type { Dispatcher } from 'undici';
import { MemoryCacheStore } from '../../counters/cache-memory.js';
import type { CacheStore } from '../../counters/cache-types.js';
import { MemoryCounterStore } from '../../counters/memory.js';
import type { CounterStore } from '../../counters/types.js';
import type { DeploymentInfo } from '../../expressions/index.js';
import { createOutboundClient } from '../http/outbound-client.js';
import type { ErrorDetail } from '../../model/errors.js';
import type { OperationPipeline, PolicyCompileInput, BackendResolver } from '../contract/pipeline.js';
import type { PolicyScopeName, PolicySnapshot } from '../contract/snapshot-view.js';
import { defaultForwardEntry } from '../forward-request/index.js';
import type { PolicyFormat } from '../xml/index.js';
import { checkDocument, checkFragment, throwIfProblems, type CheckOptions } from './check.js';
import type { EngineSettings, PolicyDefinition } from './definition.js';
import { PolicyRegistry } from './registry.js';
import { SnapshotCompilation, type CompilationEnvironment } from './snapshot-compilation.js';
import { StaticViews } from './views.js';

export interface PolicyEngineOptions {
  /** User policies (TypeScript modules already imported), added to the built-ins. */
  readonly policies?: readonly PolicyDefinition[];
  /** `context.Deployment`: region, gateway id, service name. */
  readonly deployment?: Partial<DeploymentInfo>;
  /** Largest body a policy buffers, bytes (default 16 MiB). */
  readonly maxBufferedBodyBytes?: number;
  /** Let send-request reach link-local / cloud metadata addresses (default false). */
  readonly allowLinkLocalRequests?: boolean;
  /** Receives `trace` policy output. */
  readonly log?: EngineSettings['log'];
  /**
   * Where rate-limit and quota policies count (see `openCounterStore`). The caller owns and
   * closes a store it passes; without one the engine uses an in-memory store it closes itself.
   */
  readonly counters?: CounterStore;
  /**
   * Where the caching policies store (see `openCaches`): `internal` (default: an in-memory
   * LRU of 64 MiB the engine makes and closes itself) and `external` (Redis; none by
   * default). The caller owns and closes the stores it passes.
   */
  readonly caches?: { readonly internal?: CacheStore; readonly external?: CacheStore };
}

const DEFAULT_MAX_BUFFERED_BODY = 16 * 1024 * 1024;

/** A `{kind, parent, id}` store key, as management's PolicyChecker passes it. */
export interface PolicyResourceKey {
  readonly kind: string;
  readonly parent: string;
  readonly id: string;
}

export class PolicyEngine {
  readonly registry: PolicyRegistry;
  private readonly httpClient: Dispatcher;
  /** Set when the engine made its own store and so must close it. */
  private readonly ownCounters: CounterStore | undefined;
  private readonly ownCache: CacheStore | undefined;
  private readonly env: CompilationEnvironment;
  private readonly compilations = new WeakMap<PolicySnapshot, Map<BackendResolver | null, SnapshotCompilation>>();

  constructor(builtins: readonly PolicyDefinition[], options: PolicyEngineOptions = {}) {
    this.registry = new PolicyRegistry([...builtins, ...(options.policies ?? [])]);
    const allowLinkLocalRequests = options.allowLinkLocalRequests ?? false;
    this.httpClient = createOutboundClient(allowLinkLocalRequests);
    const counters = options.counters ?? new MemoryCounterStore();
    this.ownCounters = options.counters === undefined ? counters : undefined;
    const internalCache = options.caches?.internal ?? new MemoryCacheStore();
    this.ownCache = options.caches?.internal === undefined ? internalCache : undefined;
    const settings: EngineSettings = {
      maxBufferedBodyBytes: options.maxBufferedBodyBytes ?? DEFAULT_MAX_BUFFERED_BODY,
      allowLinkLocalRequests,
      httpClient: this.httpClient,
      counters,
      cache: { internal: internalCache, external: options.caches?.external },
      log: options.log,
    };
    const deployment: DeploymentInfo = {
      Region: options.deployment?.Region ?? 'local',
      GatewayId: options.deployment?.GatewayId ?? 'managed',
      ServiceName: options.deployment?.ServiceName ?? 'portico',
      ServiceId: options.deployment?.ServiceId ?? 'portico',
    };
    this.env = {
      registry: this.registry,
      settings,
      expressions: { deployment, views: new StaticViews() },
      defaultForward: defaultForwardEntry(),
    };
  }

  /** The gateway's PolicyCompiler (`createGatewayServer({ policies: engine.compile })`). */
  readonly compile = (input: PolicyCompileInput): OperationPipeline | undefined => {
    return this.compilation(input.snapshot, input.backends).compile(input);
  };

  /** Throws a PolicyValidationError (400, details with line and column) when the document is refused. */
  check(value: string, format: PolicyFormat, scope: PolicyScopeName, options?: CheckOptions): void {
    throwIfProblems(checkDocument(this.env, value, format, scope, options));
  }

  /** The same, for a policy fragment (`<fragment>…</fragment>`). */
  checkFragment(value: string, format: PolicyFormat, options?: CheckOptions): void {
    throwIfProblems(checkFragment(this.env, value, format, options));
  }

  /** Problems with a document (empty when fine), without throwing. */
  problems(value: string, format: PolicyFormat, scope: PolicyScopeName, options?: CheckOptions): ErrorDetail[] {
    return checkDocument(this.env, value, format, scope, options);
  }

  /**
   * A checker in the shape management's `checkPolicy` option takes:
   * `(value, format, key, context) → ErrorDetail[]`, the scope read from the store key's
   * parent; what `context` knows (the fragments) is checked too.
   */
  checker(options: CheckOptions = {}): (value: string, format: string, key: PolicyResourceKey, context?: CheckOptions) => ErrorDetail[] {
    return (value, format, key, context) => checkDocument(this.env, value, formatOf(format), scopeOfKey(key), { ...options, ...context });
  }

  /** The same for policy fragments (management's `checkPolicyFragment` option). */
  fragmentChecker(options: CheckOptions = {}): (value: string, format: string, key: PolicyResourceKey, context?: CheckOptions) => ErrorDetail[] {
    return (value, format, _key, context) => checkFragment(this.env, value, formatOf(format), { ...options, ...context });
  }

  /** Closes the connections policies opened (send-request); call on shutdown. */
  async close(): Promise<void> {
    await this.httpClient.close();
    await this.ownCounters?.close();
    await this.ownCache?.close();
  }

  private compilation(snapshot: PolicySnapshot, backends: BackendResolver | undefined): SnapshotCompilation {
    let bySnapshot = this.compilations.get(snapshot);
    if (bySnapshot === undefined) {
      bySnapshot = new Map();
      this.compilations.set(snapshot, bySnapshot);
    }
    const key = backends ?? null;
    let compilation = bySnapshot.get(key);
    if (compilation === undefined) {
      compilation = new SnapshotCompilation(this.env, snapshot, backends);
      bySnapshot.set(key, compilation);
    }
    return compilation;
  }
}

function formatOf(format: string): PolicyFormat {
  return format === 'xml' ? 'xml' : 'rawxml';
}

/** `''` → global, `products/p` → product, `apis/a` → api, `apis/a/operations/o` → operation. */
export function scopeOfKey(key: PolicyResourceKey): PolicyScopeName {
  const parts = key.parent.split('/').filter((p) => p !== '');
  if (parts.length === 0) return 'global';
  if (parts[0] === 'products') return 'product';
  if (parts.length >= 4 && parts[2] === 'operations') return 'operation';
  return 'api';
}
