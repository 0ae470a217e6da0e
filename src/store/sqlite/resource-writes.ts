import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { newEtag } from '../etag.js';
import { UniqueViolation, type ResourceKey, type ResourceWrite, type StoredResource } from '../types.js';

type KeyParams = [kind: string, parent: string, id: string];

/** The write statements of the writer connection, prepared once. */
export class ResourceWrites {
  private readonly upsert: Database.Statement<
    [string, string, string, string, string, string, string, string],
    { created_at: string }
  >;
  private readonly claimOwner: Database.Statement<[string], ResourceKey>;
  private readonly releaseClaims: Database.Statement<KeyParams>;
  private readonly claim: Database.Statement<[string, ...KeyParams]>;
  private readonly deleteOne: Database.Statement<KeyParams>;
  private readonly deleteUnder: Database.Statement<[string, string, string]>;
  private readonly advanceRevision: Database.Statement<[]>;
  /** Each put is atomic on its own (a savepoint), so a caller that catches its error has no half-write to commit. */
  private readonly putAtomically: (write: ResourceWrite) => StoredResource;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(`
      INSERT INTO resources (kind, parent, id, properties, secrets, etag, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (kind, parent, id) DO UPDATE SET
        properties = excluded.properties,
        secrets = excluded.secrets,
        etag = excluded.etag,
        updated_at = excluded.updated_at
      RETURNING created_at`);
    this.claimOwner = db.prepare('SELECT kind, parent, id FROM uniques WHERE value = ?');
    this.releaseClaims = db.prepare('DELETE FROM uniques WHERE kind = ? AND parent = ? AND id = ?');
    this.claim = db.prepare('INSERT INTO uniques (value, kind, parent, id) VALUES (?, ?, ?, ?)');
    this.deleteOne = db.prepare('DELETE FROM resources WHERE kind = ? AND parent = ? AND id = ?');
    // "Starts with parent + '/'" as a byte range, [p + '/', p + '0'), because '0'
    // follows '/' in byte order: exact for any id (no LIKE wildcards to escape) and
    // it can use the index on parent.
    this.deleteUnder = db.prepare(
      "DELETE FROM resources WHERE parent = ? OR (parent >= (? || '/') AND parent < (? || '0'))",
    );
    this.advanceRevision = db.prepare('UPDATE store_meta SET revision = revision + 1 WHERE singleton = 1');
    this.putAtomically = db.transaction((write: ResourceWrite) => this.putNow(write));
  }

  put(write: ResourceWrite): StoredResource {
    return this.putAtomically(write);
  }

  delete(key: ResourceKey): boolean {
    return this.deleteOne.run(key.kind, key.parent, key.id).changes > 0;
  }

  deleteDescendants(parent: string): number {
    if (parent === '') {
      throw new StoreError('InvalidStoreArgument', 'deleteDescendants needs a parent path; the root would mean every resource.');
    }
    return this.deleteUnder.run(parent, parent, parent).changes;
  }

  bumpRevision(): void {
    this.advanceRevision.run();
  }

  private putNow(write: ResourceWrite): StoredResource {
    const { kind, parent, id } = write;
    // Everything that can refuse the write runs before the first statement that changes anything.
    const properties = JSON.stringify(write.properties);
    const secrets = write.secrets ?? {};
    const serialisedSecrets = JSON.stringify(secrets);
    const claims = [...new Set(write.uniques ?? [])];
    for (const value of claims) {
      const owner = this.claimOwner.get(value);
      if (owner && !(owner.kind === kind && owner.parent === parent && owner.id === id)) {
        throw new UniqueViolation(value, { kind: owner.kind, parent: owner.parent, id: owner.id });
      }
    }

    const now = new Date().toISOString();
    const etag = newEtag();
    const stored = this.upsert.get(kind, parent, id, properties, serialisedSecrets, etag, now, now);
    this.releaseClaims.run(kind, parent, id);
    for (const value of claims) this.claim.run(value, kind, parent, id);

    return {
      kind,
      parent,
      id,
      // Round-trip so the caller gets what a later get() returns, not its own mutable objects.
      properties: JSON.parse(properties) as Record<string, unknown>,
      secrets: JSON.parse(serialisedSecrets) as Record<string, string>,
      etag,
      createdAt: stored?.created_at ?? now,
      updatedAt: now,
    };
  }
}
