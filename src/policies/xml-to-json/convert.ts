/**
 * XML → JSON, as APIM's xml-to-json. The root element becomes the one member of the result.
 *
 * javascript-friendly: an element with only text is its text; otherwise an object with
 * attributes as `@name`, text as `#text` and child elements as members — a name that repeats
 * (or every child with always-array-child-elements) becomes an array. Namespace declarations
 * are dropped and names are local (no prefix).
 * direct: the same shape, but names keep their prefix (`soap:Body`), namespace declarations
 * are kept as `@xmlns`/`@xmlns:p`, and the XML declaration appears as `?xml` — the mapping
 * APIM's direct kind (Json.NET's SerializeXmlNode) produces.
 */
import { parseXmlDocument, XElement, XMLNS, XText } from '../../expressions/runtime/xml/model.js';
import { PolicyFailure } from '../engine/failures.js';

export interface XmlToJsonOptions {
  readonly kind: 'javascript-friendly' | 'direct';
  readonly alwaysArrayChildElements: boolean;
}

type Json = string | null | Json[] | { [name: string]: Json };

export function xmlToJson(text: string, options: XmlToJsonOptions): string {
  let root: XElement;
  let declaration: string | null;
  try {
    const document = parseXmlDocument(text);
    root = document.root!;
    declaration = document.declaration;
  } catch (error) {
    throw new PolicyFailure(400, 'InvalidXml', `The body is not valid XML: ${(error as Error).message}`);
  }
  const result: Record<string, Json> = {};
  if (options.kind === 'direct' && declaration !== null) result['?xml'] = declarationObject(declaration);
  result[nameOf(root, options)] = elementValue(root, options);
  return JSON.stringify(result);
}

function elementValue(element: XElement, options: XmlToJsonOptions): Json {
  const direct = options.kind === 'direct';
  const attributes = element.attributes.filter((a) => direct || !isNamespaceDeclaration(a.name.namespace, a.name.localName));
  const children = element.elements();
  const text = element.nodes.filter((n): n is XText => n instanceof XText).map((n) => n.value).join('');
  if (attributes.length === 0 && children.length === 0) return text === '' ? null : text;
  const out: Record<string, Json> = {};
  for (const attribute of attributes) out[`@${attributeName(attribute.name.namespace, attribute.name.localName, element, direct)}`] = attribute.value;
  if (text.trim() !== '') out['#text'] = text;
  const counts = new Map<string, number>();
  for (const child of children) counts.set(nameOf(child, options), (counts.get(nameOf(child, options)) ?? 0) + 1);
  for (const child of children) {
    const name = nameOf(child, options);
    const value = elementValue(child, options);
    if (options.alwaysArrayChildElements || (counts.get(name) ?? 0) > 1) {
      const list = out[name];
      if (Array.isArray(list)) list.push(value);
      else out[name] = [value];
    } else {
      out[name] = value;
    }
  }
  return out;
}

function isNamespaceDeclaration(namespace: string, localName: string): boolean {
  return namespace === XMLNS || (namespace === '' && localName === 'xmlns');
}

function nameOf(element: XElement, options: XmlToJsonOptions): string {
  if (options.kind !== 'direct' || element.name.namespace === '') return element.name.localName;
  const prefix = prefixFor(element, element.name.namespace);
  return prefix ? `${prefix}:${element.name.localName}` : element.name.localName;
}

function attributeName(namespace: string, localName: string, element: XElement, direct: boolean): string {
  if (!direct) return localName;
  if (namespace === XMLNS) return `xmlns:${localName}`;
  if (namespace === '') return localName;
  const prefix = prefixFor(element, namespace);
  return prefix ? `${prefix}:${localName}` : localName;
}

/** The prefix the document declared for `namespace` on the element or an ancestor. */
function prefixFor(element: XElement, namespace: string): string | undefined {
  for (let current: XElement | null = element; current !== null; current = current.parent) {
    for (const a of current.attributes) {
      if (a.value !== namespace) continue;
      if (a.name.namespace === XMLNS) return a.name.localName;
      if (a.name.namespace === '' && a.name.localName === 'xmlns') return '';
    }
  }
  return undefined;
}

function declarationObject(declaration: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const match of declaration.matchAll(/([\w-]+)\s*=\s*["']([^"']*)["']/g)) out[`@${match[1]}`] = match[2];
  return out;
}
