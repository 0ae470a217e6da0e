/**
 * JTokens → JSON text the way Newtonsoft writes it: two-space indentation with `"a": 1`,
 * floats always carrying a decimal point (`1.0`), ISO dates, and control characters escaped.
 */
import { formatDoubleDefault } from '../number-format.js';
import { clrToString } from '../object.js';
import { toBase64 } from '../convert.js';
import { ClrDateTime, ClrDateTimeOffset } from '../datetime.js';
import { JArray, JObject, JProperty, JTokenType, JValue, serializer, type JToken } from './model.js';

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export function quote(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f\u0085\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return '"NaN"';
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  const s = formatDoubleDefault(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Newtonsoft's ISO date: fraction trimmed, 'Z' for UTC, offset for local. */
export function isoDate(v: ClrDateTime | ClrDateTimeOffset): string {
  return v instanceof ClrDateTimeOffset ? v.format("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz") : v.format("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK");
}

function valueJson(v: JValue): string {
  const x = v.value;
  switch (v.type) {
    case JTokenType.Null:
    case JTokenType.Undefined:
      return 'null';
    case JTokenType.Boolean:
      return x ? 'true' : 'false';
    case JTokenType.Integer:
      return String(x);
    case JTokenType.Float:
      return floatText(x as number);
    case JTokenType.Date:
      return quote(isoDate(x as ClrDateTime));
    case JTokenType.Bytes:
      return quote(toBase64(x as Uint8Array));
    default:
      return x === null ? 'null' : quote(clrToString(x));
  }
}

export function writeJson(t: JToken, indented: boolean, level = 0): string {
  const nl = indented ? '\n' : '';
  const ind = (n: number): string => (indented ? '  '.repeat(n) : '');
  const sep = indented ? ': ' : ':';
  if (t instanceof JValue) return valueJson(t);
  if (t instanceof JProperty) return `${quote(t.name)}${sep}${writeJson(t.value, indented, level)}`;
  if (t instanceof JObject) {
    if (t.count === 0) return '{}';
    const parts = [...t.props.values()].map((p) => `${ind(level + 1)}${quote(p.name)}${sep}${writeJson(p.value, indented, level + 1)}`);
    return `{${nl}${parts.join(`,${nl}`)}${nl}${ind(level)}}`;
  }
  if (t instanceof JArray) {
    if (t.count === 0) return '[]';
    const parts = t.items.map((x) => `${ind(level + 1)}${writeJson(x, indented, level + 1)}`);
    return `[${nl}${parts.join(`,${nl}`)}${nl}${ind(level)}]`;
  }
  return '';
}

/** JValue.ToString(): the value's own text (strings unquoted, booleans "True"). */
function valueText(v: JValue): string {
  if (v.value === null || v.value === undefined) return '';
  if (v.type === JTokenType.Float) return formatDoubleDefault(v.value as number);
  if (v.type === JTokenType.Bytes) return 'System.Byte[]';
  return clrToString(v.value);
}

serializer.write = (t, indented) => writeJson(t, indented);
serializer.valueText = valueText;
