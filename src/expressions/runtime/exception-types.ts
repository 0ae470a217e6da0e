/**
 * The .NET exception types an expression can throw and catch. Run-time exceptions are
 * `ClrException`s; catch clauses match on the CLR type name and its base types.
 */
import { defineType } from '../types/registry.js';
import { ClrException, nullReference } from './exceptions.js';
import { CLR_TYPE } from './object.js';

/** Base type of each exception type (by full name). */
const BASES: Readonly<Record<string, string>> = {
  'System.SystemException': 'System.Exception',
  'System.ArgumentException': 'System.SystemException',
  'System.ArgumentNullException': 'System.ArgumentException',
  'System.ArgumentOutOfRangeException': 'System.ArgumentException',
  'System.FormatException': 'System.SystemException',
  'System.InvalidOperationException': 'System.SystemException',
  'System.NotSupportedException': 'System.SystemException',
  'System.NotImplementedException': 'System.SystemException',
  'System.NullReferenceException': 'System.SystemException',
  'System.InvalidCastException': 'System.SystemException',
  'System.IndexOutOfRangeException': 'System.SystemException',
  'System.ArithmeticException': 'System.SystemException',
  'System.OverflowException': 'System.ArithmeticException',
  'System.DivideByZeroException': 'System.ArithmeticException',
  'System.Collections.Generic.KeyNotFoundException': 'System.SystemException',
  'System.UriFormatException': 'System.FormatException',
  'System.TimeoutException': 'System.SystemException',
  'System.Security.Cryptography.CryptographicException': 'System.SystemException',
  'Newtonsoft.Json.JsonReaderException': 'Newtonsoft.Json.JsonException',
  'Newtonsoft.Json.JsonSerializationException': 'Newtonsoft.Json.JsonException',
  'Newtonsoft.Json.JsonException': 'System.Exception',
  'System.Xml.XmlException': 'System.SystemException',
  'System.Text.RegularExpressions.RegexMatchTimeoutException': 'System.TimeoutException',
};

export function isExceptionOf(actual: string, expected: string): boolean {
  for (let t: string | undefined = actual; t; t = BASES[t]) if (t === expected) return true;
  return expected === 'System.Exception';
}

(ClrException.prototype as unknown as Record<symbol, unknown>)[CLR_TYPE] = 'System.Exception';

/** Any error raised while evaluating, as the .NET exception a catch clause would see. */
export function toClrException(err: unknown): ClrException {
  if (err instanceof ClrException) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new ClrException('System.InsufficientExecutionStackException', 'Insufficient stack to continue executing the program safely.');
  }
  if (err instanceof TypeError) return nullReference();
  return new ClrException('System.Exception', err instanceof Error ? err.message : String(err));
}

function defineException(fullName: string, ctors: 'message' | 'param'): void {
  const dot = fullName.lastIndexOf('.');
  const name = fullName.slice(dot + 1);
  const ns = fullName.slice(0, dot);
  const base = BASES[fullName];
  defineType({
    name,
    namespace: ns,
    bases: base ? [base.slice(base.lastIndexOf('.') + 1)] : [],
    isInstance: (v) => v instanceof ClrException && isExceptionOf(v.clrType, fullName),
    members: (b) => {
      b.ctor('()', () => new ClrException(fullName, `Exception of type '${fullName}' was thrown.`));
      b.ctor('(string message)', (m: string | null) => new ClrException(fullName, m ?? `Exception of type '${fullName}' was thrown.`));
      if (ctors === 'param') {
        b.ctor('(string message, string paramName)', (m: string | null, p: string | null) => new ClrException(fullName, p ? `${m ?? ''} (Parameter '${p}')` : (m ?? '')));
      }
      if (fullName === 'System.Exception') {
        b.prop('Message', 'string', (e: ClrException) => e.message);
        b.method('ToString', 'string()', (e: ClrException) => `${e.clrType}: ${e.message}`);
        b.prop('InnerException', 'Exception', () => null);
        b.prop('Source', 'string', () => null);
      }
    },
  });
}

// Bases first so their definitions exist when derived ones name them.
for (const fullName of [
  'System.Exception',
  'System.SystemException',
  'System.ArgumentException',
  'System.ArgumentNullException',
  'System.ArgumentOutOfRangeException',
  'System.FormatException',
  'System.InvalidOperationException',
  'System.NotSupportedException',
  'System.NotImplementedException',
  'System.NullReferenceException',
  'System.InvalidCastException',
  'System.IndexOutOfRangeException',
  'System.ArithmeticException',
  'System.OverflowException',
  'System.DivideByZeroException',
  'System.Collections.Generic.KeyNotFoundException',
  'System.UriFormatException',
  'System.TimeoutException',
  'System.Security.Cryptography.CryptographicException',
  'Newtonsoft.Json.JsonException',
  'Newtonsoft.Json.JsonReaderException',
  'Newtonsoft.Json.JsonSerializationException',
  'System.Xml.XmlException',
]) {
  defineException(fullName, fullName.startsWith('System.Argument') ? 'param' : 'message');
}
