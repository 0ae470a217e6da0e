import type { SnapshotApi, SnapshotApiVersionSet } from '../../config/snapshot.js';
import type { ErrorDetail } from '../../model/errors.js';
import type { NormalisedPath } from '../edge/request-path.js';
import type { ForwardHeaders } from '../edge/request-headers.js';
import type { CompiledApi, CompiledOperation } from '../model.js';
import { ApiIndex, type RoutedApi, type VersionSelector } from './api-index.js';
import { OperationMatcher } from './operation-matcher.js';

export interface RouteMatch {
  api: CompiledApi;
  operation: CompiledOperation;
  /** Path and query template parameters (APIM's `context.Request.MatchedParameters`). */
  matchedParameters: ReadonlyMap<string, string>;
  /** Segments the API path took: the backend gets the path from there on. */
  apiDepth: number;
}

/** Where an API sits in the URL space: its path segments, and how a version is chosen. */
export interface ApiPlacement {
  /** Lower-cased, decoded segments, the version segment included under the Segment scheme. */
  segments: string[];
  version: VersionSelector | null;
}

/**
 * Works out an API's placement. APIM matches paths case-insensitively, so segments are
 * lower-cased here and request segments are lower-cased before lookup.
 */
export function placeApi(api: SnapshotApi, versionSets: ReadonlyMap<string, SnapshotApiVersionSet>): ApiPlacement | string {
  const segments: string[] = [];
  for (const segment of api.path.split('/')) {
    if (segment === '') continue;
    try {
      segments.push(decodeURIComponent(segment).toLowerCase());
    } catch {
      return `path '${api.path}' has malformed percent-encoding.`;
    }
  }
  if (api.apiVersionSetId === undefined || api.apiVersionSetId === '') return { segments, version: null };
  const set = versionSets.get(api.apiVersionSetId);
  if (set === undefined) return `version set '${api.apiVersionSetId}' does not exist.`;
  const version = api.apiVersion ?? '';
  // The "Original" version of a set has no version and keeps the unversioned URL.
  if (version === '') return { segments, version: null };
  switch (set.versioningScheme) {
    case 'Segment':
      segments.push(version.toLowerCase());
      return { segments, version: null };
    case 'Header':
      if (!set.versionHeaderName) return `version set '${set.id}' uses the Header scheme without a header name.`;
      return { segments, version: { scheme: 'Header', name: set.versionHeaderName, version } };
    case 'Query':
      if (!set.versionQueryName) return `version set '${set.id}' uses the Query scheme without a query name.`;
      return { segments, version: { scheme: 'Query', name: set.versionQueryName, version } };
  }
}

export interface RouterEntry {
  api: CompiledApi;
  placement: ApiPlacement;
  operations: CompiledOperation[];
}

/**
 * Chooses the API by the longest path prefix (on segment boundaries), then the operation
 * by method and URL template. Built once per snapshot.
 */
export class Router {
  private constructor(private readonly index: ApiIndex) {}

  /** Builds the router; clashing paths or templates are reported, not thrown. */
  static compile(entries: readonly RouterEntry[], problems: ErrorDetail[]): Router {
    const index = new ApiIndex();
    for (const { api, placement, operations } of entries) {
      const matcher = new OperationMatcher();
      for (const operation of operations) {
        const clash = matcher.add(operation);
        if (clash !== null) {
          problems.push({
            code: 'DuplicateOperationTemplate',
            target: `apis/${api.id}/operations/${operation.id}`,
            message: `${operation.method} ${operation.source.urlTemplate} matches the same requests as operation '${clash.id}'.`,
          });
        }
      }
      const routed: RoutedApi = { api, operations: matcher };
      const problem = index.add(routed, placement.segments, placement.version);
      if (problem !== null) problems.push({ code: 'DuplicateApiPath', target: `apis/${api.id}`, message: problem });
    }
    return new Router(index);
  }

  match(method: string, path: NormalisedPath, rawQuery: string, headers: ForwardHeaders): RouteMatch | null {
    const { decoded } = path;
    const lowered = new Array<string>(decoded.length);
    for (let i = 0; i < decoded.length; i++) lowered[i] = decoded[i].toLowerCase();

    const hit = this.index.find(lowered, headers, rawQuery);
    if (hit === null) return null;
    const found = hit.routed.operations.match(decoded, lowered, hit.depth, method, rawQuery);
    if (found === null) return null;
    return {
      api: hit.routed.api,
      operation: found.operation,
      matchedParameters: found.matchedParameters,
      apiDepth: hit.depth,
    };
  }
}
