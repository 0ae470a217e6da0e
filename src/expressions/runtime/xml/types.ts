/** The C# surface of System.Xml.Linq: XDocument, XElement, XAttribute, XName, XNamespace. */
import { defineType, type MemberBuilder } from '../../types/registry.js';
import { argumentNull, formatError, invalidOperation } from '../exceptions.js';
import { clrToString } from '../object.js';
import { decodeUtf8, registerBodyConverter } from '../context-types.js';
import { formatDoubleDefault } from '../number-format.js';
import { parseFloating, parseIntegral } from '../numeric.js';
import { ClrDateTime } from '../datetime.js';
import { parseGuid } from '../guid.js';
import { XAttribute, XComment, XDocument, XElement, XName, XNamespace, XNode, XText, parseXmlDocument, parseXmlElement } from './model.js';

type Container = XElement | XDocument;

function childElements(c: Container): XElement[] {
  return c instanceof XDocument ? (c.root ? [c.root] : []) : c.elements();
}

function descendants(c: Container): XElement[] {
  if (c instanceof XDocument) return c.root ? [c.root, ...c.root.descendants()] : [];
  return c.descendants();
}

function byName(name: XName | null): (e: XElement) => boolean {
  if (name === null) throw argumentNull('name');
  return (e) => e.name.matches(name);
}

/** XmlConvert text for content values (booleans lower-case, dates ISO). */
function xmlText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatDoubleDefault(v);
  if (v instanceof ClrDateTime) return v.format("yyyy-MM-ddTHH:mm:ss.FFFFFFFK");
  return clrToString(v);
}

function addContent(target: Container, content: unknown): void {
  if (content === null || content === undefined) return;
  if (target instanceof XDocument) {
    if (content instanceof XElement) {
      if (target.root) throw invalidOperation('This operation would create an incorrectly structured document.');
      target.root = content;
      content.document = target;
    }
    return;
  }
  if (content instanceof XNode || content instanceof XAttribute) target.add(content);
  else if (content instanceof XDocument) {
    if (content.root) target.add(content.root);
  } else if (typeof content === 'string') target.add(new XText(content));
  else if (typeof content === 'object' && typeof (content as Iterable<unknown>)[Symbol.iterator] === 'function' && !(content instanceof Uint8Array)) {
    for (const c of content as Iterable<unknown>) addContent(target, c);
  } else target.add(new XText(xmlText(content)));
}

function elementWith(name: XName, content: readonly unknown[]): XElement {
  const e = new XElement(name);
  for (const c of content) addContent(e, c);
  return e;
}

function parseDoc(s: string | null): XDocument {
  if (s === null) throw argumentNull('text');
  return parseXmlDocument(s);
}

function xmlBool(s: string): boolean {
  const t = s.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw formatError(`The string '${s}' is not a valid Boolean value.`);
}

/** Explicit conversions shared by XElement and XAttribute (`(string)el`, `(int)attr`…). */
function valueConversions(b: MemberBuilder, valueOf: (x: never) => string): void {
  const text = (x: unknown): string | null => (x === null || x === undefined ? null : valueOf(x as never));
  const required = (x: unknown): string => {
    const t = text(x);
    if (t === null) throw argumentNull('element');
    return t;
  };
  b.explicitTo('string', text);
  b.explicitTo('int', (x: unknown) => parseIntegral(required(x), 'int', 'Int32'));
  b.explicitTo('long', (x: unknown) => parseIntegral(required(x), 'long', 'Int64'));
  b.explicitTo('double', (x: unknown) => parseFloating(required(x)));
  b.explicitTo('decimal', (x: unknown) => parseFloating(required(x)));
  b.explicitTo('bool', (x: unknown) => xmlBool(required(x)));
  b.explicitTo('Guid', (x: unknown) => parseGuid(required(x)));
  b.explicitTo('int?', (x: unknown) => (text(x) === null ? null : parseIntegral(text(x), 'int', 'Int32')));
  b.explicitTo('long?', (x: unknown) => (text(x) === null ? null : parseIntegral(text(x), 'long', 'Int64')));
  b.explicitTo('double?', (x: unknown) => (text(x) === null ? null : parseFloating(text(x))));
  b.explicitTo('bool?', (x: unknown) => (text(x) === null ? null : xmlBool(text(x)!)));
}

function containerMembers(b: MemberBuilder): void {
  b.method('Element', 'XElement(XName name)', (c: Container, n: XName) => childElements(c).find(byName(n)) ?? null);
  b.method('Elements', 'IEnumerable<XElement>()', childElements);
  b.method('Elements', 'IEnumerable<XElement>(XName name)', (c: Container, n: XName) => childElements(c).filter(byName(n)));
  b.method('Descendants', 'IEnumerable<XElement>()', descendants);
  b.method('Descendants', 'IEnumerable<XElement>(XName name)', (c: Container, n: XName) => descendants(c).filter(byName(n)));
  b.method('Add', 'void(object content)', addContent);
  b.method('Add', 'void(params object[] content)', (c: Container, content: unknown[]) => content.forEach((x) => addContent(c, x)));
}

defineType({ name: 'SaveOptions', namespace: 'System.Xml.Linq', enumValues: { None: 0, DisableFormatting: 1 }, isInstance: (v) => typeof v === 'number' });
defineType({ name: 'LoadOptions', namespace: 'System.Xml.Linq', enumValues: { None: 0, PreserveWhitespace: 1 }, isInstance: (v) => typeof v === 'number' });

defineType({
  name: 'XNamespace',
  namespace: 'System.Xml.Linq',
  isInstance: (v) => v instanceof XNamespace,
  members: (b) => {
    b.staticMethod('Get', 'XNamespace(string namespaceName)', (s: string) => new XNamespace(s));
    b.staticProp('None', 'XNamespace', () => new XNamespace(''));
    b.prop('NamespaceName', 'string', (n: XNamespace) => n.name);
    b.method('GetName', 'XName(string localName)', (n: XNamespace, l: string) => new XName(n.name, l));
    b.method('ToString', 'string()', (n: XNamespace) => n.name);
    b.implicitFrom('string', (s: string | null) => (s === null ? null : new XNamespace(s)));
    b.staticMethod('op_Addition', 'XName(XNamespace ns, string localName)', (n: XNamespace, l: string) => new XName(n.name, l));
    b.staticMethod('op_Equality', 'bool(XNamespace left, XNamespace right)', (a: XNamespace | null, c: XNamespace | null) => a?.name === c?.name);
    b.staticMethod('op_Inequality', 'bool(XNamespace left, XNamespace right)', (a: XNamespace | null, c: XNamespace | null) => a?.name !== c?.name);
  },
});

defineType({
  name: 'XName',
  namespace: 'System.Xml.Linq',
  isInstance: (v) => v instanceof XName,
  members: (b) => {
    b.staticMethod('Get', 'XName(string expandedName)', (s: string) => XName.parse(s));
    b.staticMethod('Get', 'XName(string localName, string namespaceName)', (l: string, n: string) => new XName(n, l));
    b.prop('LocalName', 'string', (n: XName) => n.localName);
    b.prop('NamespaceName', 'string', (n: XName) => n.namespace);
    b.prop('Namespace', 'XNamespace', (n: XName) => new XNamespace(n.namespace));
    b.method('ToString', 'string()', (n: XName) => n.toString());
    b.implicitFrom('string', (s: string | null) => (s === null ? null : XName.parse(s)));
    b.staticMethod('op_Equality', 'bool(XName left, XName right)', (a: XName | null, c: XName | null) => (a === null || c === null ? a === c : a.matches(c)));
    b.staticMethod('op_Inequality', 'bool(XName left, XName right)', (a: XName | null, c: XName | null) => !(a === null || c === null ? a === c : a.matches(c)));
  },
});

defineType({
  name: 'XNode',
  namespace: 'System.Xml.Linq',
  isInstance: (v) => v instanceof XNode,
  members: (b) => {
    b.prop('Parent', 'XElement', (n: XNode) => n.parent);
    b.method('Remove', 'void()', (n: XNode) => n.remove());
    b.method('ToString', 'string()', (n: XNode) => n.toString());
  },
});

defineType({
  name: 'XText',
  namespace: 'System.Xml.Linq',
  bases: ['XNode'],
  isInstance: (v) => v instanceof XText,
  members: (b) => {
    b.ctor('(string value)', (s: string) => new XText(s));
    b.prop('Value', 'string', (t: XText) => t.value, (t: XText, s: string) => {
      t.value = s;
    });
  },
});

defineType({
  name: 'XComment',
  namespace: 'System.Xml.Linq',
  bases: ['XNode'],
  isInstance: (v) => v instanceof XComment,
  members: (b) => {
    b.ctor('(string value)', (s: string) => new XComment(s));
    b.prop('Value', 'string', (t: XComment) => t.value);
  },
});

defineType({
  name: 'XAttribute',
  namespace: 'System.Xml.Linq',
  isInstance: (v) => v instanceof XAttribute,
  members: (b) => {
    b.ctor('(XName name, object value)', (n: XName, v: unknown) => new XAttribute(n, xmlText(v)));
    b.prop('Name', 'XName', (a: XAttribute) => a.name);
    b.prop('Value', 'string', (a: XAttribute) => a.value, (a: XAttribute, v: string) => {
      a.value = v;
    });
    b.prop('Parent', 'XElement', (a: XAttribute) => a.parent);
    b.method('Remove', 'void()', (a: XAttribute) => a.remove());
    b.method('ToString', 'string()', (a: XAttribute) => a.toString());
    valueConversions(b, (a: XAttribute) => a.value);
  },
});

defineType({
  name: 'XElement',
  namespace: 'System.Xml.Linq',
  bases: ['XNode'],
  isInstance: (v) => v instanceof XElement,
  members: (b) => {
    b.ctor('(XName name)', (n: XName) => new XElement(n));
    b.ctor('(XName name, object content)', (n: XName, c: unknown) => elementWith(n, [c]));
    b.ctor('(XName name, params object[] content)', (n: XName, c: unknown[]) => elementWith(n, c));
    b.staticMethod('Parse', 'XElement(string text)', (s: string | null) => {
      if (s === null) throw argumentNull('text');
      return parseXmlElement(s);
    });
    b.prop('Name', 'XName', (e: XElement) => e.name, (e: XElement, n: XName) => {
      e.name = n;
    });
    b.prop('Value', 'string', (e: XElement) => e.value, (e: XElement, v: string | null) => {
      e.value = v ?? '';
    });
    b.prop('HasElements', 'bool', (e: XElement) => e.elements().length > 0);
    b.prop('HasAttributes', 'bool', (e: XElement) => e.attributes.length > 0);
    b.prop('IsEmpty', 'bool', (e: XElement) => e.nodes.length === 0);
    b.prop('Document', 'XDocument', (e: XElement) => {
      let cur: XElement = e;
      while (cur.parent) cur = cur.parent;
      return cur.document;
    });
    containerMembers(b);
    b.method('Attribute', 'XAttribute(XName name)', (e: XElement, n: XName) => e.attribute(n));
    b.method('Attributes', 'IEnumerable<XAttribute>()', (e: XElement) => [...e.attributes]);
    b.method('Attributes', 'IEnumerable<XAttribute>(XName name)', (e: XElement, n: XName) => e.attributes.filter((a) => a.name.matches(n)));
    b.method('Nodes', 'IEnumerable<XNode>()', (e: XElement) => [...e.nodes]);
    b.method('DescendantsAndSelf', 'IEnumerable<XElement>()', (e: XElement) => [e, ...e.descendants()]);
    b.method('Ancestors', 'IEnumerable<XElement>()', (e: XElement) => {
      const out: XElement[] = [];
      for (let p = e.parent; p; p = p.parent) out.push(p);
      return out;
    });
    b.method('SetAttributeValue', 'void(XName name, object value)', (e: XElement, n: XName, v: unknown) => {
      const a = e.attribute(n);
      if (v === null) a?.remove();
      else if (a) a.value = xmlText(v);
      else e.add(new XAttribute(n, xmlText(v)));
    });
    b.method('SetElementValue', 'void(XName name, object value)', (e: XElement, n: XName, v: unknown) => {
      const child = e.elements().find(byName(n));
      if (v === null) child?.remove();
      else if (child) child.value = xmlText(v);
      else e.add(elementWith(n, [xmlText(v)]));
    });
    b.method('SetValue', 'void(object value)', (e: XElement, v: unknown) => {
      e.value = xmlText(v);
    });
    b.method('RemoveAll', 'void()', (e: XElement) => {
      e.nodes = [];
      e.attributes = [];
    });
    b.method('RemoveAttributes', 'void()', (e: XElement) => {
      e.attributes = [];
    });
    b.method('RemoveNodes', 'void()', (e: XElement) => {
      e.nodes = [];
    });
    b.method('ToString', 'string(SaveOptions options)', (e: XElement, o: number) => (o === 1 ? e.toString().replace(/>\s*\n\s*</g, '><') : e.toString()));
    valueConversions(b, (e: XElement) => e.value);
  },
});

defineType({
  name: 'XDocument',
  namespace: 'System.Xml.Linq',
  isInstance: (v) => v instanceof XDocument,
  members: (b) => {
    b.ctor('()', () => new XDocument());
    b.ctor('(params object[] content)', (c: unknown[]) => {
      const d = new XDocument();
      c.forEach((x) => addContent(d, x));
      return d;
    });
    b.staticMethod('Parse', 'XDocument(string text)', parseDoc);
    b.staticMethod('Parse', 'XDocument(string text, LoadOptions options)', (s: string | null) => parseDoc(s));
    b.prop('Root', 'XElement', (d: XDocument) => d.root);
    containerMembers(b);
    b.method('ToString', 'string()', (d: XDocument) => d.toString());
    b.method('ToString', 'string(SaveOptions options)', (d: XDocument, o: number) => (o === 1 ? d.toString().replace(/>\s*\n\s*</g, '><') : d.toString()));
  },
});

registerBodyConverter('XDocument', (bytes) => parseXmlDocument(decodeUtf8(bytes)));
registerBodyConverter('XElement', (bytes) => parseXmlElement(decodeUtf8(bytes)));
