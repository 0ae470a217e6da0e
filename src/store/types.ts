import type { ResourceKind } from '../model/kinds.js';

/**
 * The adapter-neutral store contract. Adapters (SQLite now, PostgreSQL later) keep
 * resources as opaque JSON documents addressed by (kind, parent, id); nothing about
 * the underlying engine (SQL dialect, sync/async driver, rowids) leaks through here.
 *
 * Every write happens inside `transaction()`: either all of it commits and the store
 * revision advances by one, or none of it is visible.
 */
export interface StoredResource {
  kind: ResourceKind;
  /** Path of the owning resource, '' for top-level resources (e.g. 'apis/echo'). */
  parent: string;
  id: string;
  /** The resource's APIM `properties`, as validated by the management layer. */
  properties: Record<string, unknown>;
  /**
   * Opaque values the management layer keeps beside the properties and never
   * returns in a GET (encrypted keys, key digests). The store does not interpret them.
   */
  secrets: Record<string, string>;
  /** Strong validator, changes on every write of this resource. */
  etag: string;
  createdAt: string;
  updatedAt: string;
}

export interface ResourceKey {
  kind: ResourceKind;
  parent: string;
  id: string;
}

export interface ResourceWrite extends ResourceKey {
  properties: Record<string, unknown>;
  secrets?: Record<string, string>;
  /**
   * Values that must be unique store-wide within their namespace, owned by this
   * resource (e.g. `subscriptionKey:<digest>`). The write fails with a
   * UniqueViolation naming the namespace if another resource already owns one.
   * The resource's previous claims are replaced by this set.
   */
  uniques?: string[];
}

export interface ListQuery {
  /** Restrict to one parent; omit to list the kind across every parent. */
  parent?: string;
  top?: number;
  skip?: number;
}

export interface ListResult {
  items: StoredResource[];
  /** Total matching before $top/$skip. */
  total: number;
}

export interface StoreReader {
  get(key: ResourceKey): Promise<StoredResource | undefined>;
  list(kind: ResourceKind, query?: ListQuery): Promise<ListResult>;
}

export interface StoreTx extends StoreReader {
  /** Create or replace; returns the stored resource with its new ETag. */
  put(write: ResourceWrite): Promise<StoredResource>;
  /** Returns false when nothing was there. Also removes the resource's unique claims. */
  delete(key: ResourceKey): Promise<boolean>;
  /** Removes every resource whose parent is `parent` or lies beneath it. Returns the count. */
  deleteDescendants(parent: string): Promise<number>;
}

export interface Store extends StoreReader {
  /**
   * Runs `fn` atomically. Transactions are serialised; a throw rolls everything back
   * and rethrows. The revision advances once per transaction that wrote something.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Monotonic revision of the whole store; bumps once per committed writing transaction. */
  revision(): Promise<number>;
  /** Flushes and closes (SQLite: WAL checkpoint). */
  close(): Promise<void>;
}

/** Raised by an adapter when a `uniques` claim is already owned by another resource. */
export class UniqueViolation extends Error {
  constructor(
    readonly value: string,
    readonly owner: ResourceKey,
  ) {
    super(`unique value already owned by ${owner.kind} ${owner.parent ? owner.parent + '/' : ''}${owner.id}`);
    this.name = 'UniqueViolation';
  }
}
