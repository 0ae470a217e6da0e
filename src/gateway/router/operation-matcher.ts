import type { TemplateQueryPart, TemplateSegment } from '../../model/url-template.js';
import type { CompiledOperation } from '../model.js';
import { ComplexSegmentMatcher } from './complex-segment.js';
import { findQueryValue } from './query-string.js';

/** A template compiled onto the trie: what to capture and which query parts to require. */
interface Route {
  readonly operation: CompiledOperation;
  /** Names for the values captured along the trie path, in order. */
  readonly captureNames: readonly string[];
  readonly wildcardName: string | null;
  readonly query: readonly TemplateQueryPart[];
  /** Some query part captures a parameter. */
  readonly capturesQuery: boolean;
  /** Query requirements regardless of parameter names, to detect duplicate routes. */
  readonly querySignature: string;
}

/** Templates ending at one trie node, by method; more query requirements are tried first. */
class RouteTable {
  private readonly byMethod = new Map<string, Route[]>();

  /** Returns the operation already holding the same method + template, if any. */
  add(route: Route): CompiledOperation | null {
    const method = route.operation.method;
    let routes = this.byMethod.get(method);
    if (routes === undefined) this.byMethod.set(method, (routes = []));
    const clash = routes.find((r) => r.querySignature === route.querySignature);
    if (clash !== undefined) return clash.operation;
    routes.push(route);
    routes.sort((a, b) => b.query.length - a.query.length);
    return null;
  }

  /** The exact method wins over the `*` fallback at the same path. */
  select(method: string, rawQuery: string): Route | null {
    const exact = this.byMethod.get(method);
    if (exact !== undefined) {
      const route = firstSatisfied(exact, rawQuery);
      if (route !== null) return route;
    }
    const any = this.byMethod.get('*');
    return any === undefined ? null : firstSatisfied(any, rawQuery);
  }
}

function firstSatisfied(routes: Route[], rawQuery: string): Route | null {
  outer: for (const route of routes) {
    for (const part of route.query) {
      const value = findQueryValue(rawQuery, part.name);
      if (value === null || (part.value !== null && value !== part.value)) continue outer;
    }
    return route;
  }
  return null;
}

interface ComplexEdge {
  readonly matcher: ComplexSegmentMatcher;
  readonly node: TrieNode;
}

class TrieNode {
  literals: Map<string, TrieNode> | null = null;
  complex: ComplexEdge[] | null = null;
  param: TrieNode | null = null;
  end: RouteTable | null = null;
  wildcard: RouteTable | null = null;

  child(segment: TemplateSegment): TrieNode {
    if (segment.kind === 'literal') {
      this.literals ??= new Map();
      const key = segment.value.toLowerCase();
      let next = this.literals.get(key);
      if (next === undefined) this.literals.set(key, (next = new TrieNode()));
      return next;
    }
    if (segment.kind === 'param') return (this.param ??= new TrieNode());
    const matcher = new ComplexSegmentMatcher(segment.parts);
    this.complex ??= [];
    const existing = this.complex.find((e) => e.matcher.signature === matcher.signature);
    if (existing !== undefined) return existing.node;
    const edge = { matcher, node: new TrieNode() };
    this.complex.push(edge);
    // More literal text is more specific: `{name}.json` before `{name}.{ext}`.
    this.complex.sort((a, b) => b.matcher.literalLength - a.matcher.literalLength);
    return edge.node;
  }
}

export interface OperationMatch {
  operation: CompiledOperation;
  matchedParameters: ReadonlyMap<string, string>;
}

const NO_PARAMETERS: ReadonlyMap<string, string> = new Map();

/**
 * All operations of one API in a segment trie. At each segment a literal child is tried
 * before a mixed (literal + parameter) one, before a parameter, before a wildcard; a
 * branch that leads nowhere (wrong method, missing query part) falls back to the next.
 * Cost depends on the path's depth, not on the number of operations.
 */
export class OperationMatcher {
  private readonly root = new TrieNode();

  /** Adds an operation; returns the operation it clashes with (same method + template), if any. */
  add(operation: CompiledOperation): CompiledOperation | null {
    const { template } = operation;
    let node = this.root;
    const captureNames: string[] = [];
    for (const segment of template.segments) {
      node = node.child(segment);
      if (segment.kind === 'param') captureNames.push(segment.name);
      else if (segment.kind === 'mixed') {
        for (const part of segment.parts) if (part.kind === 'param') captureNames.push(part.name);
      }
    }
    const route: Route = {
      operation,
      captureNames,
      wildcardName: template.wildcard?.name ?? null,
      query: template.query,
      capturesQuery: template.query.some((q) => q.param !== null),
      querySignature: template.query
        .map((q) => (q.value === null ? q.name : `${q.name}=${q.value}`))
        .sort()
        .join('&'),
    };
    const table = template.wildcard !== null ? (node.wildcard ??= new RouteTable()) : (node.end ??= new RouteTable());
    return table.add(route);
  }

  /**
   * `decoded` / `lowered` are the request's path segments (percent-decoded, and also
   * lower-cased); matching starts at segment `from` (just after the API path).
   */
  match(decoded: string[], lowered: string[], from: number, method: string, rawQuery: string): OperationMatch | null {
    const captures: string[] = [];
    const found = this.search(this.root, decoded, lowered, from, method, rawQuery, captures);
    if (found === null) return null;
    return { operation: found.route.operation, matchedParameters: collectParameters(found, captures, decoded, rawQuery) };
  }

  private search(
    node: TrieNode,
    decoded: string[],
    lowered: string[],
    i: number,
    method: string,
    rawQuery: string,
    captures: string[],
  ): Found | null {
    if (i === decoded.length) {
      const route = node.end?.select(method, rawQuery) ?? null;
      if (route !== null) return { route, wildcardFrom: -1 };
    } else {
      const segment = decoded[i];
      const literal = node.literals?.get(lowered[i]);
      if (literal !== undefined) {
        const found = this.search(literal, decoded, lowered, i + 1, method, rawQuery, captures);
        if (found !== null) return found;
      }
      if (node.complex !== null) {
        const mark = captures.length;
        for (const edge of node.complex) {
          if (!edge.matcher.match(segment, lowered[i], captures)) continue;
          const found = this.search(edge.node, decoded, lowered, i + 1, method, rawQuery, captures);
          if (found !== null) return found;
          captures.length = mark;
        }
      }
      if (node.param !== null && segment !== '') {
        captures.push(segment);
        const found = this.search(node.param, decoded, lowered, i + 1, method, rawQuery, captures);
        if (found !== null) return found;
        captures.pop();
      }
    }
    // A wildcard matches the rest of the path, including nothing at all.
    const route = node.wildcard?.select(method, rawQuery) ?? null;
    return route === null ? null : { route, wildcardFrom: i };
  }
}

interface Found {
  route: Route;
  /** First segment the wildcard took; -1 when the route has none. */
  wildcardFrom: number;
}

function collectParameters(found: Found, captures: string[], decoded: string[], rawQuery: string): ReadonlyMap<string, string> {
  const { route } = found;
  if (captures.length === 0 && route.wildcardName === null && !route.capturesQuery) {
    return NO_PARAMETERS;
  }
  const parameters = new Map<string, string>();
  for (let i = 0; i < captures.length; i++) parameters.set(route.captureNames[i], captures[i]);
  if (route.wildcardName !== null) parameters.set(route.wildcardName, decoded.slice(found.wildcardFrom).join('/'));
  for (const part of route.query) {
    if (part.param !== null) parameters.set(part.param, findQueryValue(rawQuery, part.name) ?? '');
  }
  return parameters;
}
