/**
 * JSON → XML, as APIM's json-to-xml: the document is wrapped in `<Document>`, object members
 * become child elements, array items repeat their member's element (`<Array>` items at the
 * top level), null becomes an empty element. A member named `attribute-block-name` holds
 * the element's attributes; `namespace-separator` in a name splits off a namespace prefix.
 */
import { escapeXmlAttribute, escapeXmlText } from '../xml/entities.js';
import { PolicyFailure } from '../engine/failures.js';

export interface JsonToXmlOptions {
  /** Member whose object members become attributes of the enclosing element; none when undefined. */
  readonly attributeBlockName?: string;
  /** Character between a namespace prefix and the local name (`:` when undefined). */
  readonly namespaceSeparator?: string;
}

const ROOT = 'Document';
const ARRAY_ITEM = 'Array';
/** Deeper JSON is refused rather than risk exhausting the stack. */
const MAX_DEPTH = 256;

export function jsonToXml(text: string, options: JsonToXmlOptions = {}): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PolicyFailure(400, 'InvalidJson', `The body is not valid JSON: ${(error as Error).message}`);
  }
  const root = element(ROOT, Array.isArray(value) ? { [ARRAY_ITEM]: value } : value, options, 0);
  return `<?xml version="1.0" encoding="utf-8"?>${root}`;
}

function element(name: string, value: unknown, options: JsonToXmlOptions, depth: number): string {
  if (depth > MAX_DEPTH) throw new PolicyFailure(400, 'InvalidJson', 'The JSON body is nested too deeply to convert.');
  const tag = xmlName(name, options);
  if (value === null || value === undefined) return `<${tag} />`;
  if (typeof value !== 'object') return `<${tag}>${escapeXmlText(scalarText(value))}</${tag}>`;
  let attributes = '';
  let content = '';
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (key === options.attributeBlockName && member !== null && typeof member === 'object' && !Array.isArray(member)) {
      for (const [attribute, attributeValue] of Object.entries(member as Record<string, unknown>)) {
        attributes += ` ${xmlName(attribute, options)}="${escapeXmlAttribute(scalarText(attributeValue))}"`;
      }
    } else if (Array.isArray(member)) {
      for (const item of member) content += element(key, item, options, depth + 1);
    } else {
      content += element(key, member, options, depth + 1);
    }
  }
  return content === '' ? `<${tag}${attributes} />` : `<${tag}${attributes}>${content}</${tag}>`;
}

/** A JSON member name made a valid XML name: the separator becomes `:`, other invalid characters `_`. */
function xmlName(name: string, options: JsonToXmlOptions): string {
  const separator = options.namespaceSeparator ?? ':';
  const parts = name.split(separator);
  const safe = parts.slice(0, 2).map((part) => {
    const cleaned = part.replace(/[^\w.-]/g, '_');
    return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
  });
  return safe.join(':') + (parts.length > 2 ? `_${parts.slice(2).join('_')}` : '');
}

/** JSON scalars as XML text: null empty, numbers and booleans as written; nested values as JSON. */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
