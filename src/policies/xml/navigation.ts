/** Small readers over the tree for the code that turns elements into policies. */
import type { PolicyAttribute, PolicyElement, PolicyValue } from './types.js';

/** The element's child elements, skipping text and comments. */
export function childElements(element: PolicyElement): PolicyElement[] {
  return element.children.filter((child): child is PolicyElement => child.kind === 'element');
}

export function getAttribute(element: PolicyElement, name: string): PolicyAttribute | undefined {
  return element.attributes.find((attribute) => attribute.name === name);
}

/** An expression split into its form and the C# inside the delimiters. */
export interface ExpressionBody {
  /** `single` for `@( expression )`, `block` for `@{ statements }`. */
  readonly kind: 'single' | 'block';
  /** The C# between the delimiters. */
  readonly code: string;
  /** Index of `code[0]` in the node's value; add it before calling `positionInValue`. */
  readonly index: number;
}

/** The C# of an expression value; throws on a literal value (a programming error, not user input). */
export function expressionBody(node: PolicyValue): ExpressionBody {
  if (!node.isExpression) throw new TypeError('expressionBody() needs an expression value');
  return { kind: node.value[1] === '(' ? 'single' : 'block', code: node.value.slice(2, -1), index: 2 };
}
