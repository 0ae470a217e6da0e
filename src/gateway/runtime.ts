import { isIP } from 'node:net';
import type {
  ConfigSnapshot,
  SnapshotApi,
  SnapshotApiVersionSet,
  SnapshotOperation,
  SnapshotProduct,
} from '../config/snapshot.js';
import { PorticoError, ValidationError, type ErrorDetail } from '../model/errors.js';
import { parseUrlTemplate } from '../model/url-template.js';
import type { CompiledApi, CompiledOperation, CompiledProduct } from './model.js';
import type { BackendResolver, OperationPipeline, PolicyCompiler } from './policy-hooks.js';
import { preallocatedError } from './errors.js';
import { Router, placeApi, type RouterEntry } from './router/router.js';
import { SubscriptionIndex, compileScope, compileSubscription, type CompiledScope } from './subscriptions.js';
import { BackendUrlError, compileBackendTarget, withTls, type BackendTarget, type BackendTargetOptions } from './upstream/backend-target.js';
import { BackendCertificate, type BackendTls } from './upstream/backend-tls.js';
import { backendTls, CertificateIndex, compileCertificates } from './upstream/certificate-index.js';
import type { BackendCertificateHandle } from '../policies/contract/context.js';
import type { UpstreamPools } from './upstream/pools.js';
import { baseApiId } from '../model/api-revision.js';

export interface RuntimeOptions {
  /** Allow backend URLs on link-local / cloud metadata addresses (default false). */
  allowLinkLocalBackends?: boolean;
  /**
   * Product-scoped keys (and open products) work only while the product is published
   * (default true). APIM itself keeps them working when a product is unpublished; set
   * false for that behaviour.
   */
  requirePublishedProduct?: boolean;
  /** The policy engine's per-operation pipeline compiler; no policies when absent. */
  policies?: PolicyCompiler;
}

/** A snapshot the gateway cannot run; `details` lists every problem, one per object. */
export class SnapshotRejectedError extends PorticoError {
  constructor(revision: number, details: ErrorDetail[]) {
    const shown = details
      .slice(0, 5)
      .map((d) => `${d.target ?? 'snapshot'}: ${d.message}`)
      .join('; ');
    const more = details.length > 5 ? ` (and ${details.length - 5} more)` : '';
    super('SnapshotRejected', 400, `Snapshot revision ${revision} cannot be compiled: ${shown}${more}`, details);
  }
}

/**
 * A snapshot compiled for serving: router, subscription index, backend targets and the
 * resource maps. Immutable once built, except for its lifecycle: it is activated (pools
 * attached), serves requests, then is retired; its pools are released when the last
 * request that started on it has ended.
 */
export class GatewayRuntime {
  private inFlight = 0;
  private retired = false;
  private pools: UpstreamPools | null = null;
  /** Targets by base URL: the compiled ones, then those policies chose at run time. */
  private readonly targetsByUrl: Map<string, BackendTarget>;
  private readonly dynamicTargets: BackendTarget[] = [];
  /** Targets re-keyed to present a policy's client certificate, by target then certificate. */
  private readonly presentingTargets = new Map<BackendTarget, Map<BackendCertificate, BackendTarget>>();
  /** Targets addressed by another host name than their URL's (policy-set Host over TLS). */
  private readonly namedTargets = new Map<BackendTarget, Map<string, BackendTarget>>();

  constructor(
    readonly snapshot: ConfigSnapshot,
    readonly router: Router,
    readonly subscriptions: SubscriptionIndex,
    readonly apis: ReadonlyMap<string, CompiledApi>,
    readonly operations: readonly CompiledOperation[],
    readonly products: ReadonlyMap<string, CompiledProduct>,
    /** Named backends by id (for `set-backend-service backend-id`). */
    readonly backends: ReadonlyMap<string, BackendTarget>,
    /** Every distinct target the runtime can send to, named backends and service URLs alike. */
    readonly targets: readonly BackendTarget[],
    private readonly targetOptions: BackendTargetOptions = { allowLinkLocalBackends: false },
  ) {
    this.targetsByUrl = new Map(targets.map((t) => [t.url, t]));
  }

  get revision(): number {
    return this.snapshot.revision;
  }

  /** Attaches a pool to every target. Called once, before the runtime serves. */
  activate(pools: UpstreamPools): void {
    if (this.pools !== null) throw new Error('GatewayRuntime.activate called twice');
    this.pools = pools;
    for (const target of this.targets) target.dispatcher = pools.acquire(target);
  }

  /** A request starts on this runtime. */
  enter(): void {
    this.inFlight++;
  }

  /** A request that started on this runtime has ended. */
  leave(): void {
    if (--this.inFlight === 0 && this.retired) this.releasePools();
  }

  /** No new request will start here; pools are released once the in-flight ones end. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.releasePools();
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * A target for a URL a policy computed per request (set-backend-service with an
   * expression). Checked like configured URLs; pooled and kept for the runtime's life,
   * up to a bound, so a URL built from request data cannot grow pools without limit.
   */
  dynamicTarget(url: string): BackendTarget {
    const known = this.targetsByUrl.get(url);
    if (known !== undefined) return known;
    const pools = this.pools;
    if (pools === null) throw new Error('GatewayRuntime.dynamicTarget called on an inactive runtime');
    if (this.dynamicTargets.length >= MAX_DYNAMIC_TARGETS) throw TOO_MANY_DYNAMIC_TARGETS;
    let target: BackendTarget;
    try {
      target = compileBackendTarget(url, this.targetOptions);
    } catch (err) {
      if (err instanceof BackendUrlError) throw INVALID_DYNAMIC_TARGET;
      throw err;
    }
    target.dispatcher = pools.acquire(target);
    this.targetsByUrl.set(url, target);
    this.dynamicTargets.push(target);
    return target;
  }

  /**
   * `target` presenting `certificate` (authentication-certificate): a pool of its own, made
   * on first use and kept for the runtime's life. Both are bounded by the snapshot (targets
   * and certificates), so this cannot grow without limit. Plain-HTTP targets are returned as is.
   */
  presenting(target: BackendTarget, certificate: BackendCertificateHandle): BackendTarget {
    if (target.tls.clientCertificate === certificate || !target.origin.startsWith('https:')) return target;
    if (!(certificate instanceof BackendCertificate)) throw new Error('a backend certificate handle not made by the gateway');
    return this.derivedTarget(this.presentingTargets, target, certificate, Infinity, (tls) => ({ ...tls, clientCertificate: certificate }));
  }

  /**
   * `target` addressed as `host` (a `Host` header a policy set): over TLS, the server name
   * (SNI, and the name the certificate must carry) is that host's, as undici did, so a
   * name-based virtual host behind one address is reached. Its own pools, made on first
   * use; at most MAX_SERVER_NAMES names per target, since the header may come from request
   * data. Plain-HTTP targets, the URL's own host and IP addresses return `target` as is.
   */
  addressedAs(target: BackendTarget, host: string): BackendTarget {
    if (!target.origin.startsWith('https:')) return target;
    const name = hostName(host);
    if (name === null || name === target.tls.serverName || (target.tls.serverName === undefined && name === target.hostName)) return target;
    return this.derivedTarget(this.namedTargets, target, name, MAX_SERVER_NAMES, (tls) => ({ ...tls, serverName: name }));
  }

  /**
   * `target` with other TLS settings, under `key` in `cache`: made and pooled on first use,
   * kept for the runtime's life. `limit` bounds the keys per target (server names, which may
   * come from request data; certificates are bounded by the snapshot already).
   */
  private derivedTarget<K>(
    cache: Map<BackendTarget, Map<K, BackendTarget>>,
    target: BackendTarget,
    key: K,
    limit: number,
    tls: (base: BackendTls) => BackendTls,
  ): BackendTarget {
    let byKey = cache.get(target);
    if (byKey === undefined) cache.set(target, (byKey = new Map<K, BackendTarget>()));
    let derived = byKey.get(key);
    if (derived === undefined) {
      const pools = this.pools;
      if (pools === null) throw new Error('GatewayRuntime: a backend target derived on an inactive runtime');
      if (byKey.size >= limit) throw TOO_MANY_SERVER_NAMES;
      derived = withTls(target, tls(target.tls));
      derived.dispatcher = pools.acquire(derived);
      byKey.set(key, derived);
    }
    return derived;
  }

  private releasePools(): void {
    const pools = this.pools;
    if (pools === null) return;
    this.pools = null;
    for (const target of this.targets) pools.release(target);
    for (const target of this.dynamicTargets) pools.release(target);
    for (const cache of [this.presentingTargets, this.namedTargets] as Map<BackendTarget, Map<unknown, BackendTarget>>[]) {
      for (const byKey of cache.values()) for (const target of byKey.values()) pools.release(target);
    }
  }
}

/** Distinct TLS server names (policy-set Host headers) per backend target and runtime. */
const MAX_SERVER_NAMES = 64;
const TOO_MANY_SERVER_NAMES = preallocatedError(502, 'InvalidBackendUrl', 'Too many distinct backend host names were chosen by policies.');

/** The host name of a Host header value, lower-case, without its port; null for an IP address or nothing usable. */
function hostName(host: string): string | null {
  if (host.startsWith('[')) return null; // an IPv6 literal: no server name
  const colon = host.lastIndexOf(':');
  const name = (colon === -1 ? host : host.slice(0, colon)).trim().toLowerCase().replace(/\.$/, '');
  return name === '' || isIP(name) !== 0 ? null : name;
}

/** Distinct backend URLs policies may compute per runtime (beyond the configured ones). */
const MAX_DYNAMIC_TARGETS = 256;
const TOO_MANY_DYNAMIC_TARGETS = preallocatedError(502, 'InvalidBackendUrl', 'Too many distinct backend URLs were chosen by policies.');
const INVALID_DYNAMIC_TARGET = preallocatedError(500, 'InvalidBackendUrl', 'A policy chose a backend URL the gateway does not send to.');

/**
 * Compiles a snapshot, all or nothing: every problem found is collected and reported in
 * one SnapshotRejectedError, so an operator fixes them in one pass. Pure apart from the
 * policy compiler it is given; it opens no connection (see GatewayRuntime.activate), so
 * `portico validate` can use it too.
 */
export function compileRuntime(snapshot: ConfigSnapshot, options: RuntimeOptions = {}): GatewayRuntime {
  return new RuntimeCompiler(snapshot, options).compile();
}

class RuntimeCompiler {
  private readonly problems: ErrorDetail[] = [];
  private readonly backends = new Map<string, BackendTarget>();
  /** Service URL → target. */
  private readonly serviceTargets = new Map<string, BackendTarget>();
  private readonly products = new Map<string, CompiledProduct>();
  /** API base id → products holding it; built once so per-API lookups stay O(1). */
  private readonly productsByApi = new Map<string, CompiledProduct[]>();
  private readonly requirePublished: boolean;
  private certificates = new CertificateIndex();

  constructor(
    private readonly snapshot: ConfigSnapshot,
    private readonly options: RuntimeOptions,
  ) {
    this.requirePublished = options.requirePublishedProduct ?? true;
  }

  compile(): GatewayRuntime {
    const { snapshot } = this;
    const secret = Buffer.from(snapshot.keyDigestSecret ?? '', 'base64');
    if (secret.length === 0) this.problem('snapshot', 'MissingKeyDigestSecret', 'keyDigestSecret is empty.');

    this.certificates = compileCertificates(snapshot.certificates ?? [], this.problems);
    this.compileBackends();
    this.compileProducts();
    const versionSets = new Map<string, SnapshotApiVersionSet>(snapshot.apiVersionSets.map((v) => [v.id, v]));
    const entries = this.compileApis(versionSets);
    const router = Router.compile(entries, this.problems);
    const subscriptions = this.compileSubscriptions(secret);

    if (this.problems.length > 0) throw new SnapshotRejectedError(snapshot.revision, this.problems);

    const apis = new Map(entries.map((e) => [e.api.id, e.api]));
    const operations = entries.flatMap((e) => e.operations);
    const targets = [...new Set([...this.backends.values(), ...this.serviceTargets.values()])];
    return new GatewayRuntime(snapshot, router, subscriptions, apis, operations, this.products, this.backends, targets, {
      allowLinkLocalBackends: this.options.allowLinkLocalBackends ?? false,
    });
  }

  private compileBackends(): void {
    for (const backend of this.snapshot.backends) {
      const where = `backends/${backend.id}`;
      const tls = backendTls(backend, this.certificates, (code, message) => this.problem(where, code, message));
      const target = this.tryTarget(backend.url, where, tls.rejectUnauthorized, tls);
      if (target !== null) this.backends.set(backend.id, target);
    }
  }

  private compileProducts(): void {
    for (const source of this.snapshot.products) {
      const product: CompiledProduct = {
        id: source.id,
        source,
        published: source.state === 'published',
        apiIds: new Set(source.apiIds.map(baseApiId)),
      };
      this.products.set(product.id, product);
      for (const apiId of product.apiIds) {
        let holders = this.productsByApi.get(apiId);
        if (holders === undefined) this.productsByApi.set(apiId, (holders = []));
        holders.push(product);
      }
    }
  }

  private usableProduct = (product: CompiledProduct): boolean => product.published || !this.requirePublished;

  private compileApis(versionSets: ReadonlyMap<string, SnapshotApiVersionSet>): RouterEntry[] {
    const operationsByApi = new Map<string, SnapshotOperation[]>();
    for (const operation of this.snapshot.operations) {
      let list = operationsByApi.get(operation.apiId);
      if (list === undefined) operationsByApi.set(operation.apiId, (list = []));
      list.push(operation);
    }
    const known = new Set(this.snapshot.apis.map((a) => a.id));
    for (const [apiId, operations] of operationsByApi) {
      if (!known.has(apiId)) {
        this.problem(`apis/${apiId}/operations/${operations[0].id}`, 'UnknownApi', `API '${apiId}' does not exist.`);
      }
    }

    const entries: RouterEntry[] = [];
    // Only the current revision of each API serves (revisions addressed by ';rev=' come later).
    for (const source of this.snapshot.apis) {
      if (!source.isCurrent) continue;
      const placement = placeApi(source, versionSets);
      if (typeof placement === 'string') {
        this.problem(`apis/${source.id}`, 'InvalidApiPath', placement);
        continue;
      }
      const api = this.compileApi(source, placement.segments.length, versionSets);
      const operations: CompiledOperation[] = [];
      for (const op of operationsByApi.get(source.id) ?? []) {
        const compiled = this.compileOperation(api, op);
        if (compiled !== null) operations.push(compiled);
      }
      entries.push({ api, placement, operations });
    }
    return entries;
  }

  private compileApi(source: SnapshotApi, pathDepth: number, versionSets: ReadonlyMap<string, SnapshotApiVersionSet>): CompiledApi {
    const where = `apis/${source.id}`;
    const baseId = baseApiId(source.id);
    let target: BackendTarget | null = null;
    if (source.backendId) target = this.namedBackend(source.backendId, where);
    else if (source.serviceUrl) target = this.serviceUrlTarget(source.serviceUrl, where);

    const open = (this.productsByApi.get(baseId) ?? []).filter(
      (p) => !p.source.subscriptionRequired && this.usableProduct(p),
    );
    if (open.length > 1) {
      const ids = open.map((p) => `'${p.id}'`).join(', ');
      this.problem(where, 'SeveralOpenProducts', `the API is in more than one open product (${ids}); APIM allows one.`);
    }
    const versionSet = source.apiVersionSetId ? versionSets.get(source.apiVersionSetId) : undefined;
    return {
      id: source.id,
      baseId,
      source,
      pathDepth,
      subscriptionRequired: source.subscriptionRequired,
      keyHeader: source.subscriptionKeyParameterNames.header.toLowerCase(),
      keyQuery: source.subscriptionKeyParameterNames.query,
      versionHeader:
        versionSet?.versioningScheme === 'Header' && versionSet.versionHeaderName
          ? versionSet.versionHeaderName.toLowerCase()
          : null,
      target,
      openProduct: open[0] ?? null,
    };
  }

  private compileOperation(api: CompiledApi, source: SnapshotOperation): CompiledOperation | null {
    const where = `apis/${api.id}/operations/${source.id}`;
    let template;
    try {
      template = parseUrlTemplate(source.urlTemplate);
    } catch (err) {
      this.problem(where, 'InvalidUrlTemplate', errorMessage(err));
      return null;
    }
    const target = source.backendId ? this.namedBackend(source.backendId, where) : api.target;
    const { pipeline, productPipelines } = this.compilePolicies(api, source, where);
    return { id: source.id, api, source, method: source.method.toUpperCase(), template, target, pipeline, productPipelines };
  }

  private compilePolicies(
    api: CompiledApi,
    operation: SnapshotOperation,
    where: string,
  ): { pipeline: OperationPipeline | null; productPipelines: Map<string, OperationPipeline> | null } {
    const compiler = this.options.policies;
    if (compiler === undefined) return { pipeline: null, productPipelines: null };
    const run = (product: SnapshotProduct | undefined): OperationPipeline | null => {
      try {
        return compiler({ snapshot: this.snapshot, api: api.source, operation, product, backends: this.backendResolver }) ?? null;
      } catch (err) {
        const context = product === undefined ? where : `${where} (product ${product.id})`;
        if (err instanceof PorticoError && err.details.length > 0) {
          for (const d of err.details) this.problems.push({ ...d, target: d.target ?? context });
        } else {
          this.problem(context, err instanceof PorticoError ? err.code : 'PolicyError', errorMessage(err));
        }
        return null;
      }
    };
    const pipeline = run(undefined);
    let productPipelines: Map<string, OperationPipeline> | null = null;
    for (const product of this.productsByApi.get(api.baseId) ?? []) {
      const compiled = run(product.source);
      if (compiled !== null) (productPipelines ??= new Map()).set(product.id, compiled);
    }
    return { pipeline, productPipelines };
  }

  private compileSubscriptions(secret: Buffer): SubscriptionIndex {
    const index = new SubscriptionIndex(secret);
    // Thousands of subscriptions share a handful of scopes: compile each scope once.
    const scopes = new Map<string, CompiledScope | string>();
    for (const source of this.snapshot.subscriptions) {
      let scope = scopes.get(source.scope);
      if (scope === undefined) scopes.set(source.scope, (scope = compileScope(source.scope, this.products, this.usableProduct)));
      if (typeof scope === 'string') this.problem(`subscriptions/${source.id}`, 'InvalidSubscriptionScope', scope);
      else index.add(compileSubscription(source, scope), this.problems);
    }
    return index;
  }

  /** How set-backend-service reaches backends: named ones, and literal base URLs pooled like service URLs. */
  private readonly backendResolver: BackendResolver = {
    byId: (id) => this.backends.get(id),
    byUrl: (url) => {
      const existing = this.serviceTargets.get(url);
      if (existing !== undefined) return existing;
      let target: BackendTarget;
      try {
        target = compileBackendTarget(url, { allowLinkLocalBackends: this.options.allowLinkLocalBackends ?? false, rejectUnauthorized: true });
      } catch (err) {
        if (err instanceof BackendUrlError) throw new ValidationError(err.message);
        throw err;
      }
      this.serviceTargets.set(url, target);
      return target;
    },
    certificate: (reference) => this.certificates.presentable(reference),
  };

  private namedBackend(id: string, where: string): BackendTarget | null {
    const target = this.backends.get(id);
    if (target !== undefined) return target;
    if (!this.snapshot.backends.some((b) => b.id === id)) {
      this.problem(where, 'UnknownBackend', `backend '${id}' does not exist.`);
    }
    return null;
  }

  /** APIs naming the same service URL share one target (and so one pool). */
  private serviceUrlTarget(url: string, where: string): BackendTarget | null {
    const existing = this.serviceTargets.get(url);
    if (existing !== undefined) return existing;
    const target = this.tryTarget(url, where, true);
    if (target !== null) this.serviceTargets.set(url, target);
    return target;
  }

  private tryTarget(url: string, where: string, rejectUnauthorized: boolean, tls?: BackendTargetOptions['tls']): BackendTarget | null {
    try {
      return compileBackendTarget(url, {
        allowLinkLocalBackends: this.options.allowLinkLocalBackends ?? false,
        rejectUnauthorized,
        tls,
      });
    } catch (err) {
      if (!(err instanceof BackendUrlError)) throw err;
      this.problem(where, 'InvalidBackendUrl', err.message);
      return null;
    }
  }

  private problem(target: string, code: string, message: string): void {
    this.problems.push({ code, target, message });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
