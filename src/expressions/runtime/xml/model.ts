/**
 * A small LINQ-to-XML model (XDocument, XElement, XAttribute, XText, XComment, XName) with a
 * non-validating parser and .NET-style serialisation. DTDs are refused, so no entity
 * expansion or external resource can be reached from a request body.
 */
import { ClrException } from '../exceptions.js';
import { CLR_TYPE } from '../object.js';

export function xmlError(message: string, line = 1, column = 1): ClrException {
  return new ClrException('System.Xml.XmlException', `${message} Line ${line}, position ${column}.`);
}

export class XName {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XName';
  constructor(
    readonly namespace: string,
    readonly localName: string,
  ) {}
  static parse(text: string): XName {
    const m = /^\{([^}]*)\}(.+)$/.exec(text);
    return m ? new XName(m[1], m[2]) : new XName('', text);
  }
  matches(other: XName): boolean {
    return this.namespace === other.namespace && this.localName === other.localName;
  }
  equals(o: unknown): boolean {
    return o instanceof XName && this.matches(o);
  }
  toString(): string {
    return this.namespace ? `{${this.namespace}}${this.localName}` : this.localName;
  }
}

export class XNamespace {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XNamespace';
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
  equals(o: unknown): boolean {
    return o instanceof XNamespace && o.name === this.name;
  }
}

export abstract class XNode {
  parent: XElement | null = null;
  document: XDocument | null = null;
  remove(): void {
    if (this.parent) this.parent.nodes = this.parent.nodes.filter((n) => n !== this);
    this.parent = null;
  }
  abstract toString(): string;
}

export class XText extends XNode {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XText';
  constructor(
    public value: string,
    readonly cdata = false,
  ) {
    super();
  }
  override toString(): string {
    return this.cdata ? `<![CDATA[${this.value}]]>` : escapeText(this.value);
  }
}

export class XComment extends XNode {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XComment';
  constructor(public value: string) {
    super();
  }
  override toString(): string {
    return `<!--${this.value}-->`;
  }
}

export class XAttribute {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XAttribute';
  parent: XElement | null = null;
  constructor(
    readonly name: XName,
    public value: string,
  ) {}
  remove(): void {
    if (this.parent) this.parent.attributes = this.parent.attributes.filter((a) => a !== this);
    this.parent = null;
  }
  toString(): string {
    return `${this.parent ? qualifiedName(this.parent, this.name, true) : this.name.localName}="${escapeAttribute(this.value)}"`;
  }
}

export class XElement extends XNode {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XElement';
  attributes: XAttribute[] = [];
  nodes: XNode[] = [];
  constructor(public name: XName) {
    super();
  }
  elements(): XElement[] {
    return this.nodes.filter((n): n is XElement => n instanceof XElement);
  }
  descendants(): XElement[] {
    const out: XElement[] = [];
    const walk = (e: XElement): void => {
      for (const c of e.elements()) {
        out.push(c);
        walk(c);
      }
    };
    walk(this);
    return out;
  }
  get value(): string {
    let s = '';
    const walk = (e: XElement): void => {
      for (const n of e.nodes) {
        if (n instanceof XText) s += n.value;
        else if (n instanceof XElement) walk(n);
      }
    };
    walk(this);
    return s;
  }
  set value(v: string) {
    this.nodes = [Object.assign(new XText(v), { parent: this })];
  }
  attribute(name: XName): XAttribute | null {
    return this.attributes.find((a) => a.name.matches(name)) ?? null;
  }
  add(node: XNode | XAttribute): void {
    if (node instanceof XAttribute) {
      if (this.attribute(node.name)) throw new ClrException('System.InvalidOperationException', 'Duplicate attribute.');
      const own = node.parent ? new XAttribute(node.name, node.value) : node;
      own.parent = this;
      this.attributes.push(own);
      return;
    }
    const own = node.parent ? cloneNode(node) : node;
    own.parent = this;
    this.nodes.push(own);
  }
  override toString(): string {
    return serialize(this, 0, true);
  }
}

export class XDocument {
  readonly [CLR_TYPE] = 'System.Xml.Linq.XDocument';
  root: XElement | null = null;
  declaration: string | null = null;
  toString(): string {
    return this.root ? serialize(this.root, 0, true) : '';
  }
}

export function cloneNode<T extends XNode>(n: T): T {
  if (n instanceof XElement) {
    const e = new XElement(n.name);
    for (const a of n.attributes) e.add(new XAttribute(a.name, a.value));
    for (const c of n.nodes) e.add(cloneNode(c));
    return e as unknown as T;
  }
  if (n instanceof XText) return new XText(n.value, n.cdata) as unknown as T;
  if (n instanceof XComment) return new XComment(n.value) as unknown as T;
  return n;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;').replace(/\t/g, '&#x9;');
}

/** Prefix for a namespace, found on the element or its ancestors' xmlns declarations. */
function prefixFor(e: XElement, ns: string): string | undefined {
  for (let cur: XElement | null = e; cur; cur = cur.parent) {
    for (const a of cur.attributes) {
      if (a.value !== ns) continue;
      if (a.name.namespace === XMLNS && a.name.localName) return a.name.localName;
      if (a.name.namespace === '' && a.name.localName === 'xmlns') return '';
    }
  }
  return undefined;
}

export const XMLNS = 'http://www.w3.org/2000/xmlns/';

function qualifiedName(e: XElement, name: XName, isAttribute: boolean): string {
  if (name.namespace === XMLNS) return `xmlns:${name.localName}`;
  if (!name.namespace) return name.localName;
  const p = prefixFor(e, name.namespace);
  if (p === undefined || (isAttribute && p === '')) return name.localName;
  return p ? `${p}:${name.localName}` : name.localName;
}

function serialize(e: XElement, level: number, indent: boolean): string {
  const pad = indent ? '  '.repeat(level) : '';
  const name = qualifiedName(e, e.name, false);
  const needsXmlns = e.name.namespace && prefixFor(e, e.name.namespace) === undefined;
  const attrs = [...(needsXmlns ? [`xmlns="${escapeAttribute(e.name.namespace)}"`] : []), ...e.attributes.map((a) => a.toString())];
  const open = `<${name}${attrs.length ? ' ' + attrs.join(' ') : ''}`;
  if (e.nodes.length === 0) return `${open} />`;
  const mixed = e.nodes.some((n) => n instanceof XText);
  if (mixed || !indent) return `${open}>${e.nodes.map((n) => (n instanceof XElement ? serialize(n, 0, false) : n.toString())).join('')}</${name}>`;
  const inner = e.nodes.map((n) => (n instanceof XElement ? `${pad}  ${serialize(n, level + 1, true).trimStart()}` : `${pad}  ${n.toString()}`));
  return `${open}>\n${inner.join('\n')}\n${pad}</${name}>`;
}

// ---------------------------------------------------------------- parsing

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 256;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    throw xmlError(message, before.split('\n').length, this.pos - before.lastIndexOf('\n'));
  }

  decode(s: string): string {
    return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, body: string) => {
      if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
      if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
      const v = ENTITIES[body];
      if (v === undefined) this.fail(`Reference to undeclared entity '${body}'.`);
      return v;
    });
  }

  skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.text.startsWith('<?', this.pos)) {
        const end = this.text.indexOf('?>', this.pos);
        if (end < 0) this.fail('Unexpected end of file while parsing processing instruction.');
        this.pos = end + 2;
      } else if (this.text.startsWith('<!--', this.pos)) {
        const end = this.text.indexOf('-->', this.pos);
        if (end < 0) this.fail('Unexpected end of file while parsing comment.');
        this.pos = end + 3;
      } else if (this.text.startsWith('<!DOCTYPE', this.pos)) {
        this.fail('DTD is prohibited in this XML document.');
      } else return;
    }
  }

  name(): string {
    const m = /^[A-Za-z_:][\w.:-]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`Name cannot begin with the '${this.text[this.pos] ?? ''}' character.`);
    this.pos += m[0].length;
    return m[0];
  }

  element(scope: ReadonlyMap<string, string>, depth: number): XElement {
    if (depth > MAX_DEPTH) this.fail('The XML document is nested too deeply.');
    if (this.text[this.pos] !== '<') this.fail('Data at the root level is invalid.');
    this.pos++;
    const rawName = this.name();
    const rawAttrs: [string, string][] = [];
    for (;;) {
      while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
      const ch = this.text[this.pos];
      if (ch === '/' || ch === '>') break;
      const an = this.name();
      while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.text[this.pos] !== '=') this.fail(`'${this.text[this.pos] ?? ''}' is an unexpected token. The expected token is '='.`);
      this.pos++;
      while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
      const q = this.text[this.pos];
      if (q !== '"' && q !== "'") this.fail(`'${q ?? ''}' is an unexpected token. The expected token is '"' or '''.`);
      const end = this.text.indexOf(q, this.pos + 1);
      if (end < 0) this.fail('Unexpected end of file while parsing attribute.');
      rawAttrs.push([an, this.decode(this.text.slice(this.pos + 1, end))]);
      this.pos = end + 1;
    }
    const ns = new Map(scope);
    for (const [n, v] of rawAttrs) {
      if (n === 'xmlns') ns.set('', v);
      else if (n.startsWith('xmlns:')) ns.set(n.slice(6), v);
    }
    const resolve = (qname: string, isAttribute: boolean): XName => {
      const i = qname.indexOf(':');
      if (i < 0) return new XName(isAttribute ? '' : (ns.get('') ?? ''), qname);
      const prefix = qname.slice(0, i);
      if (prefix === 'xmlns') return new XName(XMLNS, qname.slice(i + 1));
      if (prefix === 'xml') return new XName('http://www.w3.org/XML/1998/namespace', qname.slice(i + 1));
      const uri = ns.get(prefix);
      if (uri === undefined) this.fail(`'${prefix}' is an undeclared prefix.`);
      return new XName(uri, qname.slice(i + 1));
    };
    const el = new XElement(resolve(rawName, false));
    for (const [n, v] of rawAttrs) el.add(new XAttribute(n === 'xmlns' ? new XName('', 'xmlns') : resolve(n, true), v));
    if (this.text.startsWith('/>', this.pos)) {
      this.pos += 2;
      return el;
    }
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) this.fail(`Unexpected end of file has occurred. The following elements are not closed: ${rawName}.`);
      if (this.text.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.name();
        if (closing !== rawName) this.fail(`The '${rawName}' start tag does not match the end tag of '${closing}'.`);
        while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
        if (this.text[this.pos] !== '>') this.fail('Unexpected token in end tag.');
        this.pos++;
        return el;
      }
      if (this.text.startsWith('<!--', this.pos)) {
        const end = this.text.indexOf('-->', this.pos);
        if (end < 0) this.fail('Unexpected end of file while parsing comment.');
        el.add(new XComment(this.text.slice(this.pos + 4, end)));
        this.pos = end + 3;
      } else if (this.text.startsWith('<![CDATA[', this.pos)) {
        const end = this.text.indexOf(']]>', this.pos);
        if (end < 0) this.fail('Unexpected end of file while parsing CDATA section.');
        el.add(new XText(this.text.slice(this.pos + 9, end), true));
        this.pos = end + 3;
      } else if (this.text.startsWith('<?', this.pos)) {
        const end = this.text.indexOf('?>', this.pos);
        this.pos = end < 0 ? this.text.length : end + 2;
      } else if (this.text[this.pos] === '<') {
        el.add(this.element(ns, depth + 1));
      } else {
        const next = this.text.indexOf('<', this.pos);
        const raw = this.text.slice(this.pos, next < 0 ? this.text.length : next);
        this.pos += raw.length;
        // Whitespace between elements is formatting, as with LoadOptions.None.
        if (raw.trim() !== '' || el.nodes.some((n) => n instanceof XText)) el.add(new XText(this.decode(raw)));
      }
    }
  }
}

export function parseXmlDocument(text: string): XDocument {
  const p = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const doc = new XDocument();
  const decl = /^\s*<\?xml[^?]*\?>/.exec(p.text);
  if (decl) doc.declaration = decl[0].trim();
  p.skipMisc();
  if (p.pos >= p.text.length) p.fail('Root element is missing.');
  const root = p.element(new Map(), 0);
  root.document = doc;
  doc.root = root;
  p.skipMisc();
  if (p.pos < p.text.length) p.fail('There are multiple root elements.');
  return doc;
}

export function parseXmlElement(text: string): XElement {
  const root = parseXmlDocument(text).root!;
  root.document = null;
  return root;
}
