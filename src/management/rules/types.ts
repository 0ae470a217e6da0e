import type { Keyring } from '../../store/keyring.js';
import type { ResourceKey, StoredResource, StoreTx, UniqueViolation } from '../../store/types.js';

/** The keyring capabilities the management layer needs (src/store/keyring.ts implements them). */
export type ManagementKeyring = Pick<Keyring, 'encrypt' | 'decrypt' | 'digestSecret'>;

export interface RuleContext {
  tx: StoreTx;
  keyring: ManagementKeyring;
  /**
   * Prefix of error targets: 'properties' for the REST API, the resource's path in a
   * declarative file ('apis.orders') for applyDeclared.
   */
  target: string;
}

export interface WriteContext extends RuleContext {
  key: ResourceKey;
  /** The resource as stored before this write; undefined on create. */
  existing: StoredResource | undefined;
}

export interface DeleteContext extends RuleContext {
  key: ResourceKey;
  existing: StoredResource;
  /** APIM's `deleteSubscriptions` query flag (products, users). */
  deleteSubscriptions: boolean;
}

/** What goes to the store for one resource. */
export interface PreparedWrite {
  properties: Record<string, unknown>;
  secrets?: Record<string, string>;
  uniques?: string[];
}

/**
 * What is special about one resource kind, beyond its schema: reference checks and
 * derived values before a write, secrets split out of the properties, cascades before
 * a delete, and how the stored form is shown to clients.
 */
export interface KindRules {
  /**
   * Gets schema-valid properties (defaults applied) and returns what to store. Throws
   * ValidationError naming the field for a broken reference or rule.
   */
  prepare(properties: Record<string, unknown>, ctx: WriteContext): Promise<PreparedWrite>;
  /** The properties a GET returns; write-only values are never in them. */
  render?(stored: StoredResource): Record<string, unknown>;
  /** Removes or refuses what depends on the resource; descendants are removed by the service. */
  beforeDelete?(ctx: DeleteContext): Promise<void>;
  /** Turns a uniqueness clash of this kind into a client error naming the field. */
  uniqueViolation?(violation: UniqueViolation, prepared: PreparedWrite, target: string): Error;
  /** Property names holding resource references ('/users/bob'), shown with the ARM prefix when the request used it. */
  referenceFields?: readonly string[];
}
