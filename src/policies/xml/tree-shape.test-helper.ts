/**
 * Test support: a tree without positions or source maps, so trees parsed from different
 * formats (or from a re-serialised document) can be compared with toEqual.
 */
import type { PolicyDocument, PolicyElement, PolicyNode } from './types.js';

export type NodeShape =
  | { element: string; attributes: [string, string, boolean][]; children: NodeShape[] }
  | { text: string; isExpression: boolean; cdata: boolean; namedValues: string[] }
  | { comment: string };

export function shapeOf(tree: PolicyDocument | PolicyNode): NodeShape {
  if (tree.kind === 'document') return shapeOf(tree.root);
  if (tree.kind === 'comment') return { comment: tree.value };
  if (tree.kind === 'text') {
    return { text: tree.value, isExpression: tree.isExpression, cdata: tree.cdata, namedValues: tree.namedValues.map((ref) => ref.name) };
  }
  return elementShape(tree);
}

function elementShape(element: PolicyElement): NodeShape {
  return {
    element: element.name,
    attributes: element.attributes.map((attribute) => [attribute.name, attribute.value, attribute.isExpression]),
    children: element.children.map(shapeOf),
  };
}

/** Depth-first search for the first element with this name. */
export function findElement(tree: PolicyDocument | PolicyElement, name: string): PolicyElement | undefined {
  const stack: PolicyElement[] = [tree.kind === 'document' ? tree.root : tree];
  while (stack.length > 0) {
    const element = stack.shift()!;
    if (element.name === name) return element;
    const children = element.children.filter((child): child is PolicyElement => child.kind === 'element');
    stack.unshift(...children);
  }
  return undefined;
}

/** Every element with this name, in document order. */
export function findElements(tree: PolicyDocument | PolicyElement, name: string): PolicyElement[] {
  const found: PolicyElement[] = [];
  const visit = (element: PolicyElement): void => {
    if (element.name === name) found.push(element);
    for (const child of element.children) if (child.kind === 'element') visit(child);
  };
  visit(tree.kind === 'document' ? tree.root : tree);
  return found;
}
