/**
 * The tree a policy document parses into. It is lossless enough to print the document back
 * (comments, whitespace text, CDATA and self-closing tags are kept) and every node knows where it
 * came from, so later stages (policy validation, the expression compiler) can report errors at
 * the line and column the author sees.
 */

/**
 * How a policy document is written, as in APIM's `properties.format`:
 * `rawxml` is what people type (C# expressions unescaped inside attributes and text);
 * `xml` is well-formed XML with the expressions entity-escaped.
 */
export type PolicyFormat = 'rawxml' | 'xml';

export const POLICY_FORMATS: readonly PolicyFormat[] = ['rawxml', 'xml'];

export function isPolicyFormat(value: unknown): value is PolicyFormat {
  return value === 'rawxml' || value === 'xml';
}

/** A place in the original document text. */
export interface SourcePosition {
  /** 1-based line; `\n`, `\r\n` and a lone `\r` each end a line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units (what editors and JS strings use). */
  readonly column: number;
  /** 0-based index into the document text (after a leading byte-order mark, if any, is dropped). */
  readonly offset: number;
}

/**
 * Ties an index in a decoded value to the document position it came from. Between two anchors
 * the value is the document text character for character; anchors exist because decoding an
 * entity (`&quot;` → `"`) changes lengths.
 */
export interface ValueAnchor extends SourcePosition {
  /** Index into the node's `value`. */
  readonly index: number;
}

/** A `{{name}}` named-value placeholder, found in literal and expression values alike. */
export interface NamedValueRef extends SourcePosition {
  /** The named value's name, without braces. */
  readonly name: string;
  /** Index of the first `{` in the node's `value`. */
  readonly index: number;
  /** Length of the whole placeholder including both brace pairs. */
  readonly length: number;
}

/** What attributes and text nodes share: a value that is either literal text or a policy expression. */
export interface PolicyValue {
  /**
   * Literal text: entities decoded. Expression: exactly `@(…)` or `@{…}` — as written in
   * `rawxml`, entity-decoded in `xml` — without surrounding whitespace.
   */
  readonly value: string;
  /** True when the whole value is one `@(…)` or `@{…}` policy expression. */
  readonly isExpression: boolean;
  /** Every `{{name}}` placeholder in `value`, in order. */
  readonly namedValues: readonly NamedValueRef[];
  /** Maps indexes in `value` back to the document; use `positionInValue` rather than reading it. */
  readonly sourceMap: readonly ValueAnchor[];
}

export interface PolicyAttribute extends PolicyValue {
  readonly name: string;
  /** Position of the attribute name. */
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** Position of the first character of the value (just after the opening quote). */
  readonly valueLine: number;
  readonly valueColumn: number;
  readonly valueOffset: number;
}

export interface PolicyText extends PolicyValue {
  readonly kind: 'text';
  /** True when the text was written as a `<![CDATA[…]]>` section. */
  readonly cdata: boolean;
  /** Position of the first character of `value`. */
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface PolicyComment {
  readonly kind: 'comment';
  /** The text between `<!--` and `-->`. */
  readonly value: string;
  /** Position of `<!--`. */
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface PolicyElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: readonly PolicyAttribute[];
  readonly children: readonly PolicyNode[];
  /** Written as `<name … />`; kept so the document prints back the way it was written. */
  readonly selfClosing: boolean;
  /** Position of the opening `<`. */
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export type PolicyNode = PolicyElement | PolicyText | PolicyComment;

export interface PolicyDocument {
  readonly kind: 'document';
  /** The format the document was parsed from. */
  readonly format: PolicyFormat;
  /** The `<?xml …?>` declaration exactly as written, when there is one. */
  readonly declaration?: string;
  /** Top-level nodes in order: comments, whitespace text and the root element. */
  readonly nodes: readonly PolicyNode[];
  /** The single root element (`<policies>` or `<fragment>` for valid documents). */
  readonly root: PolicyElement;
}
