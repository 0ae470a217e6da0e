/**
 * Run-time formatting of values whose static type is not precise: `string.Format`'s composite
 * format (`{0}`, `{1,-5}`, `{2:N2}`) and `ToString(format)` dispatched on the value.
 */
import { argumentError } from './exceptions.js';
import { formatNumber } from './number-format.js';
import { clrToString } from './object.js';

export function align(text: string, width: number): string {
  return width >= 0 ? text.padStart(width, ' ') : text.padEnd(-width, ' ');
}

/** Format a value whose static type is not precise (object) by its run-time representation. */
export function runtimeFormat(v: unknown, format: string): string {
  if (typeof v === 'number') return formatNumber(v, Number.isInteger(v) ? 'int' : 'double', format);
  if (typeof v === 'bigint') return formatNumber(v, 'long', format);
  if (v !== null && typeof v === 'object' && typeof (v as { format?: unknown }).format === 'function') {
    return String((v as { format: (f: string) => unknown }).format(format));
  }
  return clrToString(v);
}

/** `string.Format` composite formatting: `{0}`, `{1,-5}`, `{2:N2}`, `{{` escapes. */
export function compositeFormat(format: string, args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = format.indexOf('}', i);
      if (end < 0) throw argumentError('Input string was not in a correct format.');
      const m = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(format.slice(i + 1, end));
      if (!m) throw argumentError('Input string was not in a correct format.');
      const index = Number(m[1]);
      if (index >= args.length) {
        throw argumentError('Index (zero based) must be greater than or equal to zero and less than the size of the argument list.');
      }
      const v = args[index];
      let text = v === null || v === undefined ? '' : m[3] !== undefined ? runtimeFormat(v, m[3]) : clrToString(v);
      if (m[2] !== undefined) text = align(text, Number(m[2]));
      out += text;
      i = end;
    } else if (ch === '}') {
      if (format[i + 1] === '}') i++;
      out += '}';
    } else out += ch;
  }
  return out;
}
