/**
 * System.Guid with .NET's byte layout (the first three groups little-endian), so
 * `ToByteArray()` and `new Guid(byte[])` round-trip exactly as in APIM.
 */
import { randomUUID } from 'node:crypto';
import { defineType } from '../types/registry.js';
import { argumentError, argumentNull, formatError } from './exceptions.js';
import { CLR_TYPE } from './object.js';

interface OutCell {
  value: unknown;
}

const HEX = '0123456789abcdef';

function hex(bytes: readonly number[]): string {
  return bytes.map((b) => HEX[b >> 4] + HEX[b & 15]).join('');
}

export class ClrGuid {
  readonly [CLR_TYPE] = 'System.Guid';
  private byteArray: Uint8Array | undefined;
  private hexDigits: string | undefined;
  /** The 'D' form, when the Guid was made from it. */
  private dashed: string | undefined;

  /** From .NET's byte layout; `digits` (the 32 lower-case hex digits in text order) when already known. */
  constructor(bytes: Uint8Array | undefined, digits?: string) {
    this.byteArray = bytes;
    this.hexDigits = digits;
  }

  /**
   * A Guid from text already in canonical form (lower-case, dashed: randomUUID's output).
   * `context.RequestId` is one per request and is mostly only printed, so the bytes are
   * worked out only if an expression asks for them.
   */
  static fromCanonical(dashed: string): ClrGuid {
    const guid = new ClrGuid(undefined, undefined);
    guid.dashed = dashed.toLowerCase();
    return guid;
  }

  get bytes(): Uint8Array {
    this.byteArray ??= bytesOfDigits(this.digits());
    return this.byteArray;
  }

  /** The 32 hex digits in text order. */
  digits(): string {
    if (this.hexDigits === undefined && this.dashed !== undefined) this.hexDigits = this.dashed.replaceAll('-', '');
    if (this.hexDigits === undefined) {
      const b = this.bytes;
      this.hexDigits = hex([b[3], b[2], b[1], b[0]]) + hex([b[5], b[4]]) + hex([b[7], b[6]]) + hex([...b.slice(8)]);
    }
    return this.hexDigits;
  }
  format(fmt: string | null): string {
    if (this.dashed !== undefined && (fmt === null || fmt === '' || fmt === 'D' || fmt === 'd')) return this.dashed;
    const d = this.digits();
    const dashed = `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`;
    switch (fmt ?? 'D') {
      case '':
      case 'D':
      case 'd':
        return dashed;
      case 'N':
      case 'n':
        return d;
      case 'B':
      case 'b':
        return `{${dashed}}`;
      case 'P':
      case 'p':
        return `(${dashed})`;
      default:
        throw formatError('Format string can be only "D", "d", "N", "n", "P", "p", "B", "b", "X" or "x".');
    }
  }
  toString(): string {
    return this.format('D');
  }
  equals(o: unknown): boolean {
    return o instanceof ClrGuid && o.digits() === this.digits();
  }
  compareTo(o: unknown): number {
    const a = this.digits();
    const b = (o as ClrGuid).digits();
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** Parse the D/N/B/P text forms. */
export function parseGuid(text: string | null): ClrGuid {
  if (text === null) throw argumentNull('input');
  const t = text.trim();
  const m = /^[{(]?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})[})]?$/.exec(t);
  const wrapped = (t.startsWith('{') && t.endsWith('}')) || (t.startsWith('(') && t.endsWith(')')) || /^[0-9a-fA-F]/.test(t);
  if (!m || !wrapped) throw formatError(`Unrecognized Guid format.`);
  return new ClrGuid(undefined, (m[1] + m[2] + m[3] + m[4] + m[5]).toLowerCase());
}

/** .NET's byte layout of 32 hex digits in text order (the first three groups little-endian). */
function bytesOfDigits(d: string): Uint8Array {
  const byte = (i: number): number => parseInt(d.slice(i * 2, i * 2 + 2), 16);
  const bytes = new Uint8Array(16);
  [3, 2, 1, 0, 5, 4, 7, 6].forEach((src, dst) => (bytes[dst] = byte(src)));
  for (let i = 8; i < 16; i++) bytes[i] = byte(i);
  return bytes;
}

export function newGuid(): ClrGuid {
  return ClrGuid.fromCanonical(randomUUID());
}

export const EMPTY_GUID = new ClrGuid(new Uint8Array(16));

defineType({
  name: 'Guid',
  namespace: 'System',
  valueType: true,
  defaultValue: () => EMPTY_GUID,
  isInstance: (v) => v instanceof ClrGuid,
  members: (b) => {
    b.staticMethod('NewGuid', 'Guid()', newGuid);
    b.staticProp('Empty', 'Guid', () => EMPTY_GUID);
    b.staticMethod('Parse', 'Guid(string input)', parseGuid);
    b.staticMethod('TryParse', 'bool(string input, out Guid result)', (s: string | null, out: OutCell) => {
      try {
        out.value = parseGuid(s);
        return true;
      } catch {
        out.value = EMPTY_GUID;
        return false;
      }
    });
    b.ctor('(string g)', parseGuid);
    b.ctor('(byte[] b)', (bytes: Uint8Array | null) => {
      if (bytes === null) throw argumentNull('b');
      if (bytes.length !== 16) throw argumentError("Byte array for Guid must be exactly 16 bytes long.", 'b');
      return new ClrGuid(Uint8Array.from(bytes));
    });
    b.method('ToString', 'string()', (g: ClrGuid) => g.toString());
    b.method('ToString', 'string(string format)', (g: ClrGuid, f: string | null) => g.format(f));
    b.method('ToByteArray', 'byte[]()', (g: ClrGuid) => Uint8Array.from(g.bytes));
    b.method('Equals', 'bool(Guid g)', (g: ClrGuid, o: ClrGuid) => g.equals(o));
    b.method('CompareTo', 'int(Guid value)', (g: ClrGuid, o: ClrGuid) => g.compareTo(o));
    b.staticMethod('op_Equality', 'bool(Guid a, Guid b)', (g: ClrGuid, o: ClrGuid) => g.equals(o));
    b.staticMethod('op_Inequality', 'bool(Guid a, Guid b)', (g: ClrGuid, o: ClrGuid) => !g.equals(o));
  },
});
