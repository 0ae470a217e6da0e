/**
 * Reuse of signed tokens. Signing costs ~100 µs of CPU (ES256 through WebCrypto); calls
 * of one subscription to one operation get the same claims, so the gateway signs one
 * token per (subscription, product, API, operation, audience) and reuses it for a small
 * fraction of its lifetime. Concurrent requests wait for the same signature.
 */

/** The largest share of a token's lifetime it is reused for. */
const REUSE_FRACTION = 0.1;
/** Reuse never lasts longer than this, whatever the ttl. */
const MAX_REUSE_MS = 30_000;
/** Entries per policy instance; the oldest go first beyond it. */
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly reuseUntil: number;
  token: string | undefined;
  readonly pending: Promise<string>;
}

export function reuseWindowMs(ttlSeconds: number): number {
  return Math.min(Math.floor(ttlSeconds * 1000 * REUSE_FRACTION), MAX_REUSE_MS);
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly reuseMs: number) {}

  /** A token still within its reuse window (string), one being signed (promise), or undefined. */
  lookup(key: string, nowMs: number): string | Promise<string> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.reuseUntil <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token ?? entry.pending;
  }

  /** Remembers a signature in progress; a failed one is forgotten. */
  store(key: string, nowMs: number, pending: Promise<string>): Promise<string> {
    if (this.reuseMs <= 0) return pending;
    if (this.entries.size >= MAX_ENTRIES) this.evictOldest();
    const entry: Entry = { reuseUntil: nowMs + this.reuseMs, token: undefined, pending };
    this.entries.set(key, entry);
    pending.then(
      (token) => {
        entry.token = token;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
