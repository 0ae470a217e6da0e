import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { DeclarativeIssue } from './issues.js';
import { formatPath, type DocumentPath, type PathSegment } from './resource-path.js';

/** Position of something in the file, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * The parsed file plus what is needed to point back into it. YAML's parser also reads
 * JSON (JSON is a subset of YAML 1.2), so one code path gives line/column for both.
 */
export interface SourceDocument {
  /** Plain data (maps → objects, sequences → arrays); undefined for an empty file. */
  data: unknown;
  /** Where `path` is written: its key if it is a map entry, else the value itself. */
  locate(path: DocumentPath): SourcePosition | undefined;
  /**
   * Same for a dotted path as errors print it (`apis.orders.operations.get.urlTemplate`,
   * `products.p.apis[0]`). Ids may contain dots, so keys are matched against the file's
   * real keys rather than by splitting on dots.
   */
  locateText(path: string): SourcePosition | undefined;
}

export type ParseOutcome = { ok: true; document: SourceDocument } | { ok: false; issues: DeclarativeIssue[] };

// Aliases let a small file expand into an enormous one ("billion laughs"); a config file
// has no need for many, so the parser's expansion budget is kept low.
const MAX_ALIAS_COUNT = 100;

export function parseSource(text: string): ParseOutcome {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a duplicate id a parse error instead of a silent overwrite.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => {
        const offset = error.pos[0];
        const isDuplicate = error.code === 'DUPLICATE_KEY';
        return {
          code: isDuplicate ? 'DuplicateId' : 'SyntaxError',
          path: formatPath(pathAtOffset(doc, offset)),
          message: isDuplicate ? 'duplicate key: each id may appear only once in its map' : firstLine(error.message),
          ...position(offset),
        };
      }),
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { ok: false, issues: [{ code: 'SyntaxError', path: '', message: (error as Error).message }] };
  }
  return {
    ok: true,
    document: {
      data: data ?? undefined,
      locate: (path) => {
        const offset = offsetOf(doc, path);
        return offset === undefined ? undefined : position(offset);
      },
      locateText: (path) => {
        const offset = offsetOf(doc, segmentsOf(doc, path));
        return offset === undefined ? undefined : position(offset);
      },
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Offset of the deepest node on `path` that exists: the key for a map entry (that is where
 * a reader looks for "apis.orders"), the item for a sequence entry. Falls back to the
 * nearest existing ancestor so an error about a missing field still points at its owner.
 */
function offsetOf(doc: Document, path: DocumentPath): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (const segment of path) {
    const step = child(node, segment);
    if (!step) break;
    best = step.at ?? best;
    node = step.value;
  }
  return best;
}

function child(node: unknown, segment: PathSegment): { at: number | undefined; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(segment)) {
        return { at: rangeStart(pair.key), value: pair.value };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { at: rangeStart(item), value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0] ?? undefined;
}

/** The path whose key or value spans `offset`, used to name where a parser error sits. */
function pathAtOffset(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: { segment: PathSegment; value: unknown } | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const start = rangeStart(pair.key) ?? Infinity;
        const end = (pair.value as Node | null)?.range?.[2] ?? pair.key.range?.[2] ?? -1;
        if (offset >= start && offset <= end) next = { segment: String(pair.key.value), value: pair.value };
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const range = (item as Node | null)?.range;
        if (range && offset >= range[0] && offset <= range[2]) next = { segment: index, value: item };
      });
    }
    if (!next) return path;
    path.push(next.segment);
    node = next.value;
  }
}

/** Splits a dotted path into the document's own keys, preferring the longest key that matches. */
function segmentsOf(doc: Document, text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let node: unknown = doc.contents;
  let rest = text;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      node = isSeq(node) ? node.items[Number(index[1])] : undefined;
    } else {
      if (rest.startsWith('.')) rest = rest.slice(1);
      const pair = longestKeyPrefix(node, rest);
      const key = pair ? String((pair.key as { value: unknown }).value) : /^[^.[]+/.exec(rest)?.[0];
      if (key === undefined) break;
      segments.push(key);
      rest = rest.slice(key.length);
      node = pair?.value;
    }
  }
  return segments;
}

function longestKeyPrefix(node: unknown, rest: string) {
  if (!isMap(node)) return undefined;
  let best: (typeof node.items)[number] | undefined;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const boundary = rest.charAt(key.length);
    if (rest.startsWith(key) && (boundary === '' || boundary === '.' || boundary === '[')) {
      if (!best || key.length > String((best.key as { value: unknown }).value).length) best = pair;
    }
  }
  return best;
}
