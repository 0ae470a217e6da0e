/**
 * Prints a policy tree in either format, so the management API can return a document in a
 * format other than the one it was saved in. Comments, whitespace text, CDATA and self-closing
 * tags come back as they were; attributes are printed `name="value"` separated by one space.
 */
import { escapeRawAttribute, escapeRawText, escapeXmlAttribute, escapeXmlText } from './entities.js';
import type { PolicyAttribute, PolicyDocument, PolicyElement, PolicyFormat, PolicyNode, PolicyText } from './types.js';

export function serializePolicyXml(tree: PolicyDocument | PolicyElement, format: PolicyFormat): string {
  const out: string[] = [];
  if (tree.kind === 'document') {
    if (tree.declaration !== undefined) out.push(tree.declaration);
    for (const node of tree.nodes) writeNode(node, format, out);
  } else {
    writeNode(tree, format, out);
  }
  return out.join('');
}

function writeNode(node: PolicyNode, format: PolicyFormat, out: string[]): void {
  switch (node.kind) {
    case 'element':
      writeElement(node, format, out);
      break;
    case 'text':
      out.push(textToString(node, format));
      break;
    case 'comment':
      out.push(`<!--${node.value}-->`);
      break;
  }
}

function writeElement(element: PolicyElement, format: PolicyFormat, out: string[]): void {
  out.push('<', element.name);
  for (const attribute of element.attributes) out.push(' ', attribute.name, '="', attributeValue(attribute, format), '"');
  if (element.selfClosing && element.children.length === 0) {
    out.push(' />');
    return;
  }
  out.push('>');
  for (const child of element.children) writeNode(child, format, out);
  out.push('</', element.name, '>');
}

function attributeValue(attribute: PolicyAttribute, format: PolicyFormat): string {
  if (format === 'xml') return escapeXmlAttribute(attribute.value);
  // rawxml's point: the expression is printed exactly as its author wrote it, quotes and all.
  return attribute.isExpression ? attribute.value : escapeRawAttribute(attribute.value);
}

function textToString(text: PolicyText, format: PolicyFormat): string {
  if (text.cdata) return `<![CDATA[${text.value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
  if (format === 'xml') return escapeXmlText(text.value);
  return text.isExpression ? text.value : escapeRawText(text.value);
}
