import type { ResourceKind } from '../../model/kinds.js';

/**
 * One resource read from a declarative file (`--config`, `apply`, `validate`), already
 * mapped onto the store's addressing. `source` says where it came from so every error
 * can name the file and the path inside it (e.g. `apis.orders.operations.get-order`).
 */
export interface DeclaredResource {
  kind: ResourceKind;
  /** '' for top-level resources, else the owner's path, e.g. 'apis/orders'. */
  parent: string;
  id: string;
  /** The APIM `properties` for this resource, exactly as the REST API takes them. */
  properties: Record<string, unknown>;
  source: { file: string; path: string; line?: number; column?: number };
}
