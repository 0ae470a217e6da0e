import type Database from 'better-sqlite3';
import type { ResourceKind } from '../../model/kinds.js';
import type { PageWindow } from '../list-query.js';
import type { ListResult, ResourceKey, StoredResource } from '../types.js';

export interface ResourceRow {
  kind: string;
  parent: string;
  id: string;
  properties: string;
  secrets: string;
  etag: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'kind, parent, id, properties, secrets, etag, created_at, updated_at';
/** SQLite's way to say "no LIMIT" while keeping one prepared statement. */
const NO_LIMIT = -1;

/** The read statements of one connection, prepared once. */
export class ResourceReads {
  private readonly getOne: Database.Statement<[string, string, string], ResourceRow>;
  private readonly pageOfKind: Database.Statement<[string, number, number], ResourceRow>;
  private readonly pageOfParent: Database.Statement<[string, string, number, number], ResourceRow>;
  private readonly countOfKind: Database.Statement<[string], { total: number }>;
  private readonly countOfParent: Database.Statement<[string, string], { total: number }>;
  private readonly currentRevision: Database.Statement<[], { revision: number }>;
  /** Count and page in one read transaction, so another process's commit cannot fall between them. */
  private readonly listConsistently: (kind: ResourceKind, window: PageWindow) => ListResult;

  constructor(db: Database.Database) {
    this.getOne = db.prepare(`SELECT ${COLUMNS} FROM resources WHERE kind = ? AND parent = ? AND id = ?`);
    this.pageOfKind = db.prepare(
      `SELECT ${COLUMNS} FROM resources WHERE kind = ? ORDER BY id, parent LIMIT ? OFFSET ?`,
    );
    this.pageOfParent = db.prepare(
      `SELECT ${COLUMNS} FROM resources WHERE kind = ? AND parent = ? ORDER BY id LIMIT ? OFFSET ?`,
    );
    this.countOfKind = db.prepare('SELECT count(*) AS total FROM resources WHERE kind = ?');
    this.countOfParent = db.prepare('SELECT count(*) AS total FROM resources WHERE kind = ? AND parent = ?');
    this.currentRevision = db.prepare('SELECT revision FROM store_meta WHERE singleton = 1');
    this.listConsistently = db.transaction((kind: ResourceKind, window: PageWindow) => this.listNow(kind, window));
  }

  get(key: ResourceKey): StoredResource | undefined {
    const row = this.getOne.get(key.kind, key.parent, key.id);
    return row && toStoredResource(row);
  }

  list(kind: ResourceKind, window: PageWindow): ListResult {
    return this.listConsistently(kind, window);
  }

  revision(): number {
    return this.currentRevision.get()?.revision ?? 0;
  }

  private listNow(kind: ResourceKind, { parent, top, skip }: PageWindow): ListResult {
    const limit = top ?? NO_LIMIT;
    const rows =
      parent === undefined ? this.pageOfKind.all(kind, limit, skip) : this.pageOfParent.all(kind, parent, limit, skip);
    const count = parent === undefined ? this.countOfKind.get(kind) : this.countOfParent.get(kind, parent);
    return { items: rows.map(toStoredResource), total: count?.total ?? 0 };
  }
}

export function toStoredResource(row: ResourceRow): StoredResource {
  return {
    // Only the store writes this column, always from a ResourceKind.
    kind: row.kind as ResourceKind,
    parent: row.parent,
    id: row.id,
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    secrets: JSON.parse(row.secrets) as Record<string, string>,
    etag: row.etag,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
