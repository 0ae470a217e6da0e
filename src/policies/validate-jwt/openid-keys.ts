/**
 * Signing keys from an OpenID Connect discovery document (`url` → `jwks_uri` → keys), cached
 * as APIM does: reused for an hour; a token naming a `kid` the cache lacks triggers a
 * refetch, at most once per five minutes; a failed fetch is retried at most once per five
 * minutes, and keys already held keep serving meanwhile. Concurrent requests share one fetch.
 *
 * One source per URL per engine, kept across snapshot reloads (see `openIdSourceFor`), so
 * publishing a new configuration does not refetch every issuer's keys.
 */
import type { EngineSettings } from '../engine/definition.js';
import { fetchJson, type JsonFetchOptions } from './fetch-json.js';
import { keyFromJwk, type SigningKey } from './signing-keys.js';

export const CACHE_TTL_MS = 60 * 60 * 1000;
export const REFRESH_INTERVAL_MS = 5 * 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;
const MAX_DOCUMENT_BYTES = 512 * 1024;
/** A JWKS lists a handful of keys; more than this is not worth preparing. */
const MAX_KEYS = 100;
/** Sources kept per engine; the least recently used beyond this is dropped. */
const MAX_SOURCES = 256;

export interface OpenIdKeys {
  /** The discovery document's `issuer`, a valid issuer for tokens verified by this source. */
  readonly issuer: string | undefined;
  readonly keys: readonly SigningKey[];
  readonly kids: ReadonlySet<string>;
}

export interface OpenIdSourceOptions {
  readonly fetch: JsonFetchOptions;
  /** Milliseconds since the epoch; replaced in tests. */
  readonly now?: () => number;
}

export class OpenIdKeySource {
  private current: OpenIdKeys | null = null;
  private loadedAt = 0;
  private lastAttempt: number | null = null;
  private lastForced: number | null = null;
  private inflight: Promise<void> | null = null;
  /** Why the last fetch failed (for LastError.Message); null after a success. */
  problem: string | null = null;
  private readonly now: () => number;

  constructor(
    readonly url: string,
    private readonly options: OpenIdSourceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The keys, fetched first when none are held or they are an hour old; null when none could be had. */
  async keys(): Promise<OpenIdKeys | null> {
    if (this.inflight !== null) await this.inflight;
    else if (this.due()) await this.refresh();
    return this.current;
  }

  /**
   * The keys after a refetch for a `kid` they lack, when one is allowed (the first ever, then
   * one per five minutes); otherwise the keys as held (after any fetch already running).
   */
  async keysForUnknownKid(): Promise<OpenIdKeys | null> {
    if (this.inflight !== null) {
      await this.inflight;
      return this.current;
    }
    const now = this.now();
    if (this.lastForced === null || now - this.lastForced >= REFRESH_INTERVAL_MS) {
      this.lastForced = now;
      await this.refresh();
    }
    return this.current;
  }

  private due(): boolean {
    const now = this.now();
    const retryAllowed = this.lastAttempt === null || now - this.lastAttempt >= REFRESH_INTERVAL_MS;
    if (this.current === null) return retryAllowed;
    return now - this.loadedAt >= CACHE_TTL_MS && retryAllowed;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Never rejects: every caller awaits it, and a request must get a refusal, not a 500. */
  private async load(): Promise<void> {
    this.lastAttempt = this.now();
    try {
      await this.fetchKeys();
    } catch {
      this.failed('the keys could not be read');
    }
  }

  private async fetchKeys(): Promise<void> {
    const discovery = await fetchJson(this.url, this.options.fetch);
    if (!discovery.ok) return this.failed(`the OpenID configuration could not be fetched: ${discovery.problem}`);
    const document = discovery.value as Record<string, unknown> | null;
    const jwksUri = typeof document === 'object' && document !== null ? document.jwks_uri : undefined;
    if (typeof jwksUri !== 'string') return this.failed('the OpenID configuration has no jwks_uri');
    const jwks = await fetchJson(jwksUri, this.options.fetch);
    if (!jwks.ok) return this.failed(`the JWKS could not be fetched: ${jwks.problem}`);
    const entries = (jwks.value as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(entries)) return this.failed('the JWKS has no keys array');
    const keys = entries.slice(0, MAX_KEYS).map(keyFromJwk).filter((k): k is SigningKey => k !== null);
    const issuer = typeof document!.issuer === 'string' ? document!.issuer : undefined;
    this.current = { issuer, keys, kids: new Set(keys.flatMap((k) => (k.id === undefined ? [] : [k.id]))) };
    this.loadedAt = this.now();
    this.problem = null;
  }

  /** Keeps what was held: an identity provider's outage should not reject tokens its old keys still verify. */
  private failed(problem: string): void {
    this.problem = problem;
  }
}

const registries = new WeakMap<EngineSettings, Map<string, OpenIdKeySource>>();

/**
 * The engine's source for `url` (created on first use). Keyed by the engine's settings, so
 * sources live as long as the engine, use its outbound client, and survive snapshot reloads.
 */
export function openIdSourceFor(settings: EngineSettings, url: string): OpenIdKeySource {
  let sources = registries.get(settings);
  if (sources === undefined) {
    sources = new Map();
    registries.set(settings, sources);
  }
  let source = sources.get(url);
  if (source !== undefined) {
    // Re-inserted: Map order is then least-recently-used first.
    sources.delete(url);
    sources.set(url, source);
    return source;
  }
  source = new OpenIdKeySource(url, {
    fetch: { client: settings.httpClient, allowLinkLocal: settings.allowLinkLocalRequests, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_DOCUMENT_BYTES },
  });
  sources.set(url, source);
  if (sources.size > MAX_SOURCES) sources.delete(sources.keys().next().value!);
  return source;
}
