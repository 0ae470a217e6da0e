import type { BackendTarget } from './backend-target.js';
import { guardedLookup } from './address-policy.js';
import { tlsConnectOptions } from './backend-tls.js';
import { Http1Pool } from './http1/pool.js';
import type { UpstreamPool } from './http1/types.js';

export interface UpstreamPoolSettings {
  /** Time to establish a backend connection (TCP + TLS), ms. */
  connectTimeoutMs: number;
  /** Idle keep-alive connections to a backend are closed after this, ms. */
  keepAliveTimeoutMs: number;
  /** Most concurrent connections to one backend origin; further requests queue. */
  maxConnectionsPerOrigin: number;
  /** Let backend host names resolve to link-local / metadata addresses. */
  allowLinkLocalBackends: boolean;
}

interface PoolEntry {
  readonly pool: UpstreamPool;
  refs: number;
}

/**
 * One keep-alive connection pool per backend origin and TLS identity (validation settings,
 * trusted CAs, client certificate: see BackendTarget.poolKey), shared by every runtime that
 * uses it, so a config reload keeps warm connections. Reference-counted by runtimes: a
 * pool is closed (gracefully: queued requests finish first) when the last runtime using
 * it has been retired and has no request left in flight.
 */
export class UpstreamPools {
  private readonly entries = new Map<string, PoolEntry>();
  /** Pools released and still closing; `close()` waits for them too. */
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly settings: UpstreamPoolSettings) {}

  acquire(target: BackendTarget): UpstreamPool {
    let entry = this.entries.get(target.poolKey);
    if (entry === undefined) {
      entry = { pool: this.createPool(target), refs: 0 };
      this.entries.set(target.poolKey, entry);
    }
    entry.refs++;
    return entry.pool;
  }

  release(target: BackendTarget): void {
    const entry = this.entries.get(target.poolKey);
    if (entry === undefined || --entry.refs > 0) return;
    this.entries.delete(target.poolKey);
    const closed = entry.pool.close().catch(() => entry.pool.destroy().catch(() => undefined));
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
  }

  /** Origins with a live pool (for tests and metrics). */
  get origins(): string[] {
    return [...this.entries.keys()];
  }

  /** Closes every pool; requests still running after `graceMs` are cut. */
  async close(graceMs: number): Promise<void> {
    const pools = [...this.entries.values()].map((e) => e.pool);
    this.entries.clear();
    await Promise.all(
      pools.map(async (pool) => {
        const timer = setTimeout(() => void pool.destroy().catch(() => undefined), graceMs);
        try {
          await pool.close();
        } catch {
          // Already destroyed by the timer: nothing left to wait for.
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    await Promise.all([...this.closing]);
  }

  private createPool(target: BackendTarget): UpstreamPool {
    const { settings } = this;
    return new Http1Pool(target.origin, {
      connections: settings.maxConnectionsPerOrigin,
      keepAliveTimeoutMs: settings.keepAliveTimeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      tls: tlsConnectOptions(target.tls),
      lookup: settings.allowLinkLocalBackends ? undefined : guardedLookup,
    });
  }
}
