/**
 * A position inside the declarative document: map keys and sequence indexes from the root.
 * Kept as segments (not a dotted string) because resource ids may legitimately contain dots.
 */
export type PathSegment = string | number;
export type DocumentPath = readonly PathSegment[];

/** `['apis','orders','operations','get-order']` → `apis.orders.operations.get-order`; indexes as `[0]`. */
export function formatPath(path: DocumentPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}
