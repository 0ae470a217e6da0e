/**
 * XML character and entity references: decoding (with the anchors needed to map decoded indexes
 * back to the document) and the escaping each output format needs.
 */

import { indexOfWithin } from './text-scan.js';

/** The only references a policy document may use: the five predefined entities and numeric ones. */
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/y;

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A decoded run of text; `anchors` pair value indexes with document offsets (see ValueAnchor). */
export interface DecodedText {
  readonly value: string;
  readonly anchors: readonly { readonly index: number; readonly offset: number }[];
}

export type DecodeResult =
  | ({ readonly ok: true } & DecodedText)
  | { readonly ok: false; readonly offset: number; readonly message: string };

/**
 * `strict` (the `xml` format): every `&` must start a valid reference.
 * `lenient` (`rawxml`): an `&` that does not start one is text, because people write URLs like
 * `?a=1&b=2` in raw policies and APIM accepts them.
 */
export type EntityMode = 'strict' | 'lenient';

export function decodeEntities(text: string, start: number, end: number, mode: EntityMode): DecodeResult {
  const anchors: { index: number; offset: number }[] = [{ index: 0, offset: start }];
  const parts: string[] = [];
  let length = 0;
  let copyFrom = start;
  let amp = indexOfWithin(text, '&', start, end);
  while (amp !== -1) {
    const decoded = readReference(text, amp, end);
    if (decoded === undefined) {
      if (mode === 'strict') return { ok: false, offset: amp, message: describeBadReference(text, amp, end) };
      amp = indexOfWithin(text, '&', amp + 1, end);
      continue;
    }
    parts.push(text.slice(copyFrom, amp));
    length += amp - copyFrom;
    anchors.push({ index: length, offset: amp });
    parts.push(decoded.char);
    length += decoded.char.length;
    copyFrom = amp + decoded.length;
    anchors.push({ index: length, offset: copyFrom });
    amp = indexOfWithin(text, '&', copyFrom, end);
  }
  parts.push(text.slice(copyFrom, end));
  return { ok: true, value: parts.join(''), anchors };
}

function readReference(text: string, at: number, end: number): { char: string; length: number } | undefined {
  REFERENCE.lastIndex = at;
  const match = REFERENCE.exec(text);
  if (match === null || at + match[0].length > end) return undefined;
  if (match[1] !== undefined) return { char: NAMED[match[1]], length: match[0].length };
  const codePoint = match[2] !== undefined ? Number.parseInt(match[2], 10) : Number.parseInt(match[3], 16);
  if (!isXmlChar(codePoint)) return undefined;
  return { char: String.fromCodePoint(codePoint), length: match[0].length };
}

/** XML 1.0 `Char`: references to anything else (NUL, lone surrogates) are not characters. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function describeBadReference(text: string, at: number, end: number): string {
  const semicolon = indexOfWithin(text, ';', at, Math.min(end, at + 13));
  const candidate = semicolon !== -1 ? text.slice(at, semicolon + 1) : '';
  if (/^&[A-Za-z][\w.-]*;$/.test(candidate)) {
    return `Unknown entity '${candidate}'; only &lt; &gt; &amp; &quot; &apos; and numeric references are allowed`;
  }
  if (candidate.startsWith('&#')) return `Invalid character reference '${candidate}'`;
  return "Unescaped '&'; write '&amp;' for a literal ampersand";
}

/** True when `&` at `at` would be read as a reference, i.e. must be escaped to stay literal. */
function startsReference(text: string, at: number): boolean {
  return readReference(text, at, text.length) !== undefined;
}

/** Text content in the `xml` format. */
export function escapeXmlText(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * A `"`-quoted attribute value in the `xml` format. Tabs and line breaks become character
 * references because a conforming XML reader turns literal ones into spaces (attribute-value
 * normalisation), which would, for one, swallow the code after a `//` comment in an `@{…}` block.
 */
export function escapeXmlAttribute(value: string): string {
  return value.replace(/[&<>"\t\n\r]/g, (c) => XML_ATTRIBUTE_ESCAPES[c]);
}

const XML_ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/**
 * Literal text in the `rawxml` format: only what would otherwise be misread is escaped, so
 * `?a=1&b=2` stays as written.
 */
export function escapeRawText(value: string): string {
  return value.replace(/[&<]/g, (c, at: number) => (c === '<' ? '&lt;' : startsReference(value, at) ? '&amp;' : '&'));
}

/** A literal `"`-quoted attribute value in the `rawxml` format. */
export function escapeRawAttribute(value: string): string {
  return value.replace(/[&<"]/g, (c, at: number) =>
    c === '<' ? '&lt;' : c === '"' ? '&quot;' : startsReference(value, at) ? '&amp;' : '&',
  );
}
