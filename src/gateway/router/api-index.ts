import type { CompiledApi } from '../model.js';
import type { ForwardHeaders } from '../edge/request-headers.js';
import type { OperationMatcher } from './operation-matcher.js';
import { findQueryValue } from './query-string.js';

export interface RoutedApi {
  readonly api: CompiledApi;
  readonly operations: OperationMatcher;
}

/** Header- or query-versioned APIs sharing one path: chosen by the version the caller names. */
interface VersionTable {
  /** Header name (lower case) or query parameter name. */
  readonly name: string;
  /** Version (lower case) → API. */
  readonly versions: Map<string, RoutedApi>;
}

class ApiSlot {
  /** The API answering without a version selector: unversioned, or a set's "original" version. */
  plain: RoutedApi | null = null;
  byHeader: VersionTable | null = null;
  byQuery: VersionTable | null = null;
}

class PathNode {
  children: Map<string, PathNode> | null = null;
  slot: ApiSlot | null = null;
}

export type VersionSelector = { scheme: 'Header' | 'Query'; name: string; version: string };

/**
 * APIs by path prefix, as a trie of lower-cased path segments, so finding the longest
 * matching API path costs one map lookup per request segment however many APIs exist.
 * The API with path '' sits at the root and catches what no other API path matches.
 */
export class ApiIndex {
  private readonly root = new PathNode();

  /** Returns a problem message when the API's path (and version) is already taken. */
  add(routed: RoutedApi, segments: readonly string[], version: VersionSelector | null): string | null {
    let node = this.root;
    for (const segment of segments) {
      node.children ??= new Map();
      let next = node.children.get(segment);
      if (next === undefined) node.children.set(segment, (next = new PathNode()));
      node = next;
    }
    const slot = (node.slot ??= new ApiSlot());
    const where = segments.length === 0 ? "the root path ''" : `path '${segments.join('/')}'`;

    if (version === null) {
      if (slot.plain !== null) return `${where} is already used by API '${slot.plain.api.id}'.`;
      slot.plain = routed;
      return null;
    }
    const key = version.scheme === 'Header' ? 'byHeader' : 'byQuery';
    const name = version.scheme === 'Header' ? version.name.toLowerCase() : version.name;
    const table: VersionTable = (slot[key] ??= { name, versions: new Map<string, RoutedApi>() });
    if (table.name !== name) {
      return `${where} is versioned by ${version.scheme.toLowerCase()} '${table.name}' in another version set, not '${name}'.`;
    }
    const versionKey = version.version.toLowerCase();
    const taken = table.versions.get(versionKey);
    if (taken !== undefined) return `version '${version.version}' at ${where} is already used by API '${taken.api.id}'.`;
    table.versions.set(versionKey, routed);
    return null;
  }

  /**
   * The API with the longest path that prefixes `lowered`, and how many segments it
   * took. A named version that does not exist is a miss, not a fallback.
   */
  find(lowered: readonly string[], headers: ForwardHeaders, rawQuery: string): { routed: RoutedApi; depth: number } | null {
    let node: PathNode | undefined = this.root;
    let best: ApiSlot | null = node.slot;
    let depth = 0;
    for (let i = 0; i < lowered.length; i++) {
      node = node.children?.get(lowered[i]);
      if (node === undefined) break;
      if (node.slot !== null) {
        best = node.slot;
        depth = i + 1;
      }
    }
    if (best === null) return null;
    const routed = selectVersion(best, headers, rawQuery);
    return routed === null ? null : { routed, depth };
  }
}

function selectVersion(slot: ApiSlot, headers: ForwardHeaders, rawQuery: string): RoutedApi | null {
  if (slot.byHeader !== null) {
    const value = headers[slot.byHeader.name];
    if (value !== undefined) return typeof value === 'string' ? (slot.byHeader.versions.get(value.toLowerCase()) ?? null) : null;
  }
  if (slot.byQuery !== null) {
    const value = findQueryValue(rawQuery, slot.byQuery.name);
    if (value !== null) return slot.byQuery.versions.get(value.toLowerCase()) ?? null;
  }
  return slot.plain;
}
