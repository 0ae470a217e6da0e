/**
 * The expression-aware policy document parser. A standard XML parser cannot read APIM's raw
 * policies (`condition="@(x == "a" && n < 3)"`), so this one reads XML itself and, wherever an
 * attribute value or an element's text begins with `@(` or `@{`, lets the C# scanner decide
 * where the value ends. Single pass, linear in the document length.
 */
import { ValidationError } from '../../model/errors.js';
import { scanExpression, startsExpression } from './csharp-scanner.js';
import { decodeEntities, type EntityMode } from './entities.js';
import { PolicyParseError, type PolicyParseErrorReason } from './errors.js';
import { LineIndex, locateInValue } from './positions.js';
import {
  isPolicyFormat,
  type PolicyAttribute,
  type PolicyDocument,
  type PolicyElement,
  type PolicyFormat,
  type PolicyNode,
  type SourcePosition,
  type ValueAnchor,
} from './types.js';
import { indexOfWithin, skipWhitespace } from './text-scan.js';
import {
  TEXT_AFTER_EXPRESSION,
  sliceMapped,
  splitElementText,
  textNode,
  valueFields,
  type MappedText,
  type ValueFailure,
} from './values.js';

/** Deeper nesting is refused so that recursive consumers of the tree cannot overflow the stack. */
export const MAX_ELEMENT_DEPTH = 256;

/** XML names, close enough: letters, digits, marks, `_ : . -` (not starting with a digit, `.` or `-`). */
const NAME = /[\p{L}_:][\p{L}\p{N}\p{M}_:.\-\u00B7]*/uy;

/** Added to expression errors in the `xml` format, where the usual cause is an unescaped `"` or `<`. */
const XML_FORMAT_HINT =
  '. In the xml format, the characters " < & inside an expression must be written as &quot; &lt; &amp; — or save the document in the rawxml format';

/**
 * Parses a policy document (or a policy fragment) written in `format`.
 * Throws PolicyParseError with the line and column of the first problem.
 */
export function parsePolicyXml(text: string, format: PolicyFormat): PolicyDocument {
  if (!isPolicyFormat(format)) {
    throw new ValidationError(`Unknown policy format '${String(format)}'; expected 'rawxml' or 'xml'`);
  }
  // A byte-order mark is invisible in editors; dropping it keeps line 1's columns what people see.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return new PolicyXmlParser(body, format).parse();
}

interface OpenElement {
  readonly element: PolicyElement;
  readonly children: PolicyNode[];
}

class PolicyXmlParser {
  private pos = 0;
  private readonly lines: LineIndex;
  private readonly open: OpenElement[] = [];
  private readonly topLevel: PolicyNode[] = [];
  private root: PolicyElement | undefined;
  private declaration: string | undefined;

  constructor(
    private readonly text: string,
    private readonly format: PolicyFormat,
  ) {
    this.lines = new LineIndex(text);
  }

  parse(): PolicyDocument {
    while (this.pos < this.text.length) {
      if (this.text[this.pos] === '<') this.readMarkup();
      else this.readText();
    }
    const unclosed = this.open.at(-1);
    if (unclosed !== undefined) {
      const { name, offset } = unclosed.element;
      this.fail('UnclosedElement', `Element <${name}> is never closed; expected </${name}>`, offset);
    }
    if (this.root === undefined) {
      return this.fail('NoRootElement', 'The document has no root element; expected <policies>', this.text.length);
    }
    return {
      kind: 'document',
      format: this.format,
      ...(this.declaration !== undefined ? { declaration: this.declaration } : {}),
      nodes: this.topLevel,
      root: this.root,
    };
  }

  // ── markup ────────────────────────────────────────────────────────────────────────────────

  private readMarkup(): void {
    const { text, pos } = this;
    if (text.startsWith('<!--', pos)) return this.readComment();
    if (text.startsWith('<![CDATA[', pos)) return this.readCData();
    if (text.startsWith('</', pos)) return this.readEndTag();
    if (text.startsWith('<!DOCTYPE', pos)) {
      this.fail('DoctypeNotAllowed', 'Document type declarations (<!DOCTYPE …>) are not allowed in policy documents', pos);
    }
    if (text.startsWith('<!', pos)) {
      this.fail('MalformedTag', "'<!' must start a comment '<!--' or a CDATA section '<![CDATA['", pos);
    }
    if (text.startsWith('<?', pos)) return this.readProcessingInstruction();
    NAME.lastIndex = pos + 1;
    if (NAME.test(text)) return this.readStartTag();
    this.fail('StrayLessThan', "'<' does not start a tag; write '&lt;' for a literal '<'", pos);
  }

  private readComment(): void {
    const start = this.pos;
    // Comments end at the first `-->`, whatever looks like code or quotes inside them.
    const close = this.text.indexOf('-->', start + 4);
    if (close === -1) this.fail('UnterminatedComment', "Unterminated comment: no '-->' closes '<!--'", start);
    const { line, column, offset } = this.positionAt(start);
    this.append({ kind: 'comment', value: this.text.slice(start + 4, close), line, column, offset });
    this.pos = close + 3;
  }

  private readCData(): void {
    const start = this.pos;
    if (this.open.length === 0) this.fail('TextOutsideRoot', 'A CDATA section must be inside an element', start);
    const contentStart = start + '<![CDATA['.length;
    const close = this.text.indexOf(']]>', contentStart);
    if (close === -1) this.fail('UnterminatedCData', "Unterminated CDATA section: no ']]>' closes '<![CDATA['", start);
    const content = { value: this.text.slice(contentStart, close), sourceMap: [this.anchorAt(contentStart)] };
    for (const node of splitElementText(content, true, this.failAt)) this.append(node);
    this.pos = close + 3;
  }

  private readProcessingInstruction(): void {
    const { text, pos } = this;
    const isDeclaration = text.startsWith('<?xml', pos) && /[\s?]/.test(text[pos + 5] ?? '');
    const firstThing = this.root === undefined && this.topLevel.every((node) => node.kind === 'text');
    if (!isDeclaration || this.declaration !== undefined || !firstThing) {
      this.fail(
        'ProcessingInstructionNotAllowed',
        isDeclaration
          ? 'The XML declaration (<?xml …?>) must come first in the document'
          : 'Processing instructions (<?…?>) are not allowed in policy documents',
        pos,
      );
    }
    const close = text.indexOf('?>', pos + 5);
    if (close === -1) this.fail('UnterminatedDeclaration', "Unterminated XML declaration: no '?>' closes '<?xml'", pos);
    this.declaration = text.slice(pos, close + 2);
    this.pos = close + 2;
  }

  private readStartTag(): void {
    const start = this.pos;
    const name = this.readName(start + 1, 'an element name');
    if (this.open.length === 0 && this.root !== undefined) {
      this.fail('MultipleRootElements', `A policy document has a single root element; found <${name}> after </${this.root.name}>`, start);
    }
    if (this.open.length >= MAX_ELEMENT_DEPTH) {
      this.fail('NestingTooDeep', `Elements are nested more than ${MAX_ELEMENT_DEPTH} levels deep`, start);
    }
    const attributes: PolicyAttribute[] = [];
    const seen = new Set<string>();
    for (;;) {
      const afterPrevious = this.pos;
      this.pos = skipWhitespace(this.text, this.pos);
      const c = this.text[this.pos];
      if (c === '>' || (c === '/' && this.text[this.pos + 1] === '>')) {
        this.pos += c === '>' ? 1 : 2;
        this.openElement(name, attributes, c === '/', start);
        return;
      }
      if (c === undefined) this.fail('UnterminatedTag', `Unterminated start tag <${name}>: no '>' ends it`, start);
      if (this.pos === afterPrevious) {
        const previous = attributes.at(-1);
        const after = previous !== undefined ? `the value of attribute '${previous.name}'` : `<${name}`;
        this.fail('MalformedTag', `Expected whitespace, '>' or '/>' after ${after} but found ${describeChar(c)}`, this.pos);
      }
      attributes.push(this.readAttribute(seen));
    }
  }

  private openElement(name: string, attributes: PolicyAttribute[], selfClosing: boolean, start: number): void {
    const children: PolicyNode[] = [];
    const { line, column, offset } = this.positionAt(start);
    const element: PolicyElement = { kind: 'element', name, attributes, children, selfClosing, line, column, offset };
    if (this.open.length === 0) this.root = element;
    this.append(element);
    if (!selfClosing) this.open.push({ element, children });
  }

  private readEndTag(): void {
    const start = this.pos;
    const name = this.readName(start + 2, "an element name after '</'");
    this.pos = skipWhitespace(this.text, this.pos);
    const c = this.text[this.pos];
    if (c === undefined) this.fail('UnterminatedTag', `Unterminated end tag </${name}>: no '>' ends it`, start);
    if (c !== '>') this.fail('MalformedTag', `Expected '>' to end </${name}> but found ${describeChar(c)}`, this.pos);
    const current = this.open.at(-1);
    if (current === undefined) this.fail('UnexpectedEndTag', `</${name}> has no matching start tag`, start);
    if (current.element.name !== name) {
      const { name: expected, line, column } = current.element;
      this.fail(
        'MismatchedTag',
        `Expected </${expected}> to close the element opened at line ${line}, column ${column}, but found </${name}>`,
        start,
      );
    }
    this.open.pop();
    this.pos++;
  }

  // ── attributes ────────────────────────────────────────────────────────────────────────────

  private readAttribute(seen: Set<string>): PolicyAttribute {
    const nameStart = this.pos;
    const name = this.readName(nameStart, "an attribute name, '>' or '/>'");
    if (seen.has(name)) this.fail('DuplicateAttribute', `Duplicate attribute '${name}'`, nameStart);
    seen.add(name);
    this.pos = skipWhitespace(this.text, this.pos);
    if (this.text[this.pos] !== '=') {
      this.fail('MissingAttributeValue', `Attribute '${name}' has no value; write ${name}="…"`, nameStart);
    }
    this.pos = skipWhitespace(this.text, this.pos + 1);
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") {
      this.fail('UnquotedAttributeValue', `The value of attribute '${name}' must be in quotes`, this.pos);
    }
    const valueStart = this.pos + 1;
    const { text, isExpression } =
      this.format === 'rawxml'
        ? this.readRawAttributeValue(name, quote, valueStart)
        : this.readXmlAttributeValue(name, quote, valueStart);
    const { line, column, offset } = this.positionAt(nameStart);
    const valuePosition = this.positionAt(valueStart);
    const { value, namedValues, sourceMap } = valueFields(text, isExpression);
    return {
      name,
      line,
      column,
      offset,
      valueLine: valuePosition.line,
      valueColumn: valuePosition.column,
      valueOffset: valuePosition.offset,
      value,
      isExpression,
      namedValues,
      sourceMap,
    };
  }

  /** rawxml: an expression runs to its closing bracket, whatever quotes it holds. */
  private readRawAttributeValue(name: string, quote: string, valueStart: number): AttributeValue {
    if (!startsExpression(this.text, valueStart)) {
      const end = this.findAttributeEnd(name, quote, valueStart);
      this.pos = end + 1;
      return { text: this.decode(valueStart, end, 'lenient'), isExpression: false };
    }
    const scan = scanExpression(this.text, valueStart);
    if (!scan.ok) this.fail(scan.reason, scan.message, scan.index);
    const after = skipWhitespace(this.text, scan.end);
    if (this.text[after] !== quote) {
      if (after >= this.text.length) this.failUnterminatedValue(name, valueStart);
      this.fail('TextAfterExpression', TEXT_AFTER_EXPRESSION, after);
    }
    this.pos = after + 1;
    return { text: this.verbatim(valueStart, scan.end), isExpression: true };
  }

  /** xml: the value ends at its quote as in any XML; decoded, it may then be an expression. */
  private readXmlAttributeValue(name: string, quote: string, valueStart: number): AttributeValue {
    const end = this.findAttributeEnd(name, quote, valueStart);
    this.pos = end + 1;
    const decoded = this.decode(valueStart, end, 'strict');
    const { value } = decoded;
    if (!startsExpression(value, 0)) return { text: decoded, isExpression: false };
    const scan = scanExpression(value, 0);
    if (!scan.ok) this.failAt(scan.reason, scan.message + XML_FORMAT_HINT, locateInValue(value, decoded.sourceMap, scan.index));
    const trailing = skipWhitespace(value, scan.end);
    if (trailing < value.length) {
      this.failAt('TextAfterExpression', TEXT_AFTER_EXPRESSION, locateInValue(value, decoded.sourceMap, trailing));
    }
    return { text: scan.end < value.length ? sliceMapped(decoded, 0, scan.end) : decoded, isExpression: true };
  }

  private findAttributeEnd(name: string, quote: string, valueStart: number): number {
    const end = this.text.indexOf(quote, valueStart);
    if (end === -1) this.failUnterminatedValue(name, valueStart);
    const lessThan = indexOfWithin(this.text, '<', valueStart, end);
    if (lessThan !== -1) {
      this.fail(
        'InvalidAttributeValue',
        `'<' is not allowed in the value of attribute '${name}'; write '&lt;' (or is the closing quote missing?)`,
        lessThan,
      );
    }
    return end;
  }

  private failUnterminatedValue(name: string, valueStart: number): never {
    return this.fail('UnterminatedAttributeValue', `The value of attribute '${name}' has no closing quote`, valueStart - 1);
  }

  // ── text ──────────────────────────────────────────────────────────────────────────────────

  private readText(): void {
    if (this.open.length === 0) return this.readTopLevelText();
    if (this.format === 'rawxml') return this.readRawText();
    const end = this.textEnd();
    const decoded = this.decode(this.pos, end, 'strict');
    for (const node of splitElementText(decoded, false, this.failAt, XML_FORMAT_HINT)) this.append(node);
    this.pos = end;
  }

  /** rawxml: text that is an expression (give or take whitespace) runs to its closing bracket. */
  private readRawText(): void {
    const start = this.pos;
    const exprStart = skipWhitespace(this.text, start);
    if (!startsExpression(this.text, exprStart)) {
      const end = this.textEnd();
      this.append(textNode(this.decode(start, end, 'lenient'), false, false));
      this.pos = end;
      return;
    }
    if (exprStart > start) this.append(textNode(this.verbatim(start, exprStart), false, false));
    const scan = scanExpression(this.text, exprStart);
    if (!scan.ok) this.fail(scan.reason, scan.message, scan.index);
    this.append(textNode(this.verbatim(exprStart, scan.end), true, false));
    const after = skipWhitespace(this.text, scan.end);
    if (after < this.text.length && this.text[after] !== '<') this.fail('TextAfterExpression', TEXT_AFTER_EXPRESSION, after);
    if (after > scan.end) this.append(textNode(this.verbatim(scan.end, after), false, false));
    this.pos = after;
  }

  private readTopLevelText(): void {
    const start = this.pos;
    const end = this.textEnd();
    const nonWhitespace = skipWhitespace(this.text, start, end);
    if (nonWhitespace < end) {
      const where = this.root === undefined ? 'before' : 'after';
      this.fail('TextOutsideRoot', `Text is not allowed ${where} the root element`, nonWhitespace);
    }
    this.topLevel.push(textNode(this.verbatim(start, end), false, false));
    this.pos = end;
  }

  private textEnd(): number {
    const end = this.text.indexOf('<', this.pos);
    return end === -1 ? this.text.length : end;
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  private append(node: PolicyNode): void {
    const parent = this.open.at(-1);
    if (parent !== undefined) parent.children.push(node);
    else this.topLevel.push(node);
  }

  private readName(at: number, expected: string): string {
    NAME.lastIndex = at;
    const match = NAME.exec(this.text);
    if (match === null) {
      const c = this.text[at];
      this.fail(c === undefined ? 'UnterminatedTag' : 'InvalidName', `Expected ${expected} but found ${describeChar(c)}`, at);
    }
    this.pos = at + match[0].length;
    return match[0];
  }

  /** Document text taken as is (expressions in rawxml, whitespace). */
  private verbatim(start: number, end: number): MappedText {
    return { value: this.text.slice(start, end), sourceMap: [this.anchorAt(start)] };
  }

  private decode(start: number, end: number, mode: EntityMode): MappedText {
    const decoded = decodeEntities(this.text, start, end, mode);
    if (!decoded.ok) return this.fail('InvalidEntity', decoded.message, decoded.offset);
    return {
      value: decoded.value,
      sourceMap: decoded.anchors.map((anchor) => this.anchorAt(anchor.offset, anchor.index)),
    };
  }

  private anchorAt(offset: number, index = 0): ValueAnchor {
    const { line, column } = this.lines.positionAt(offset);
    return { index, line, column, offset };
  }

  private positionAt(offset: number): SourcePosition {
    return this.lines.positionAt(offset);
  }

  private fail(reason: PolicyParseErrorReason, message: string, offset: number): never {
    throw new PolicyParseError(reason, message, this.lines.positionAt(offset));
  }

  // Explicitly typed so that TypeScript narrows after calls to it, as after `fail`.
  private readonly failAt: ValueFailure = (reason, message, position) => {
    throw new PolicyParseError(reason, message, position);
  };
}

interface AttributeValue {
  readonly text: MappedText;
  readonly isExpression: boolean;
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'the end of the document';
  if (c === '\n' || c === '\r') return 'a line break';
  return `'${c}'`;
}
