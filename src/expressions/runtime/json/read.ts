/**
 * JSON text → JTokens with Newtonsoft's reader behaviour: integers and floats stay distinct
 * (1 vs 1.0), big integers keep their precision, and the lenient syntax Newtonsoft accepts
 * (comments, single-quoted strings, unquoted property names, NaN/Infinity) parses. Date-like
 * strings stay strings (Newtonsoft would turn them into dates; see docs/expressions.md).
 */
import { ClrException } from '../exceptions.js';
import { JArray, JObject, JProperty, JTokenType, JValue, type JToken } from './model.js';

const MAX_DEPTH = 128;

export function jsonReaderError(message: string, text: string, pos: number): ClrException {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return new ClrException('Newtonsoft.Json.JsonReaderException', `${message} Path '', line ${line}, position ${column}.`);
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw jsonReaderError(message, this.text, this.pos);
  }

  skip(): void {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && /\s/.test(t[this.pos])) this.pos++;
      if (t.startsWith('//', this.pos)) {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (t.startsWith('/*', this.pos)) {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('Unexpected end while parsing comment.');
        this.pos = end + 2;
      } else return;
    }
  }

  value(depth: number): JToken {
    if (depth > MAX_DEPTH) this.fail(`The reader's MaxDepth of ${MAX_DEPTH} has been exceeded.`);
    this.skip();
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('Unexpected end when reading JSON.');
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch === '"' || ch === "'") return new JValue(JTokenType.String, this.string());
    if (ch === '-' || ch === '.' || (ch >= '0' && ch <= '9')) return this.number();
    for (const [word, token] of [
      ['true', () => new JValue(JTokenType.Boolean, true)],
      ['false', () => new JValue(JTokenType.Boolean, false)],
      ['null', () => JValue.null()],
      ['undefined', () => new JValue(JTokenType.Undefined, null)],
      ['NaN', () => new JValue(JTokenType.Float, Number.NaN)],
      ['Infinity', () => new JValue(JTokenType.Float, Infinity)],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return token();
      }
    }
    this.fail(`Unexpected character encountered while parsing value: ${ch}.`);
  }

  string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail('Unterminated string. Expected delimiter: ' + quote + '.');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++];
      switch (esc) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid Unicode escape sequence.');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        case '"':
        case "'":
        case '\\':
        case '/':
          out += esc;
          break;
        default:
          this.fail(`Bad JSON escape sequence: \\${esc ?? ''}.`);
      }
    }
  }

  number(): JValue {
    const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) {
      if (this.text.startsWith('-Infinity', this.pos)) {
        this.pos += 9;
        return new JValue(JTokenType.Float, -Infinity);
      }
      this.fail(`Unexpected character encountered while parsing number: ${this.text[this.pos]}.`);
    }
    this.pos += m[0].length;
    const text = m[0];
    if (/[.eE]/.test(text)) return new JValue(JTokenType.Float, Number(text));
    const big = BigInt(text);
    return new JValue(JTokenType.Integer, big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
  }

  propertyName(): string {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.string();
    const m = /^[A-Za-z_$][\w$-]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`Invalid property identifier character: ${ch ?? ''}.`);
    this.pos += m[0].length;
    return m[0];
  }

  object(depth: number): JObject {
    this.pos++;
    const o = new JObject();
    this.skip();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return o;
    }
    for (;;) {
      this.skip();
      const name = this.propertyName();
      this.skip();
      if (this.text[this.pos] !== ':') this.fail(`Invalid character after parsing property name. Expected ':' but got: ${this.text[this.pos] ?? 'EOF'}.`);
      this.pos++;
      const v = this.value(depth + 1);
      // Duplicate names replace the earlier value (Newtonsoft's default).
      if (o.props.has(name)) o.set(name, v);
      else o.addProperty(new JProperty(name, v));
      this.skip();
      const ch = this.text[this.pos++];
      if (ch === '}') return o;
      if (ch !== ',') this.fail(`After parsing a value an unexpected character was encountered: ${ch ?? 'EOF'}.`);
      this.skip();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return o;
      }
    }
  }

  array(depth: number): JArray {
    this.pos++;
    const a = new JArray();
    this.skip();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return a;
    }
    for (;;) {
      a.add(this.value(depth + 1));
      this.skip();
      const ch = this.text[this.pos++];
      if (ch === ']') return a;
      if (ch !== ',') this.fail(`After parsing a value an unexpected character was encountered: ${ch ?? 'EOF'}.`);
      this.skip();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return a;
      }
    }
  }
}

/** Parse one JSON value; trailing content other than whitespace/comments is an error. */
export function parseJson(text: string): JToken {
  const r = new Reader(text);
  const v = r.value(0);
  r.skip();
  if (r.pos < text.length) r.fail(`Additional text encountered after finished reading JSON content: ${text[r.pos]}.`);
  return v;
}
