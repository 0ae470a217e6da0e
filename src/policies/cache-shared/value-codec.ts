/**
 * What `cache-store-value` stores: the value with its type, so `cache-lookup-value` gives
 * back a string as a string, a number as a number, a bool as a bool and a JObject/JArray as
 * a JSON token. Other values (dates, XML, responses) are stored as their string form.
 */
import { toPolicyString } from '../../expressions/index.js';
import { JToken } from '../../expressions/runtime/json/model.js';
import { parseJson } from '../../expressions/runtime/json/read.js';
import { writeJson } from '../../expressions/runtime/json/write.js';

type Stored =
  | { readonly t: 's'; readonly v: string }
  | { readonly t: 'n'; readonly v: number | string }
  | { readonly t: 'l'; readonly v: string }
  | { readonly t: 'b'; readonly v: boolean }
  | { readonly t: 'j'; readonly v: string }
  | { readonly t: 'z' };

export function encodeValue(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(storedForm(value)));
}

function storedForm(value: unknown): Stored {
  if (value === null || value === undefined) return { t: 'z' };
  if (typeof value === 'string') return { t: 's', v: value };
  // NaN and the infinities are not JSON numbers: kept as their names.
  if (typeof value === 'number') return { t: 'n', v: Number.isFinite(value) ? value : String(value) };
  if (typeof value === 'bigint') return { t: 'l', v: value.toString() };
  if (typeof value === 'boolean') return { t: 'b', v: value };
  if (value instanceof JToken) return { t: 'j', v: writeJson(value, false) };
  return { t: 's', v: toPolicyString(value) };
}

/** The stored value, or undefined when the bytes are not a value this codec wrote. */
export function decodeValue(bytes: Buffer): { readonly value: unknown } | undefined {
  try {
    const stored = JSON.parse(bytes.toString('utf8')) as Stored | null;
    switch (stored?.t) {
      case 's':
      case 'b':
        return { value: stored.v };
      case 'n':
        return { value: Number(stored.v) };
      case 'l':
        return { value: BigInt(stored.v) };
      case 'j':
        return { value: parseJson(stored.v) };
      case 'z':
        return { value: null };
      default:
        return undefined;
    }
  } catch {
    // Not written by this codec (another tool's key, a truncated value): a miss.
    return undefined;
  }
}
