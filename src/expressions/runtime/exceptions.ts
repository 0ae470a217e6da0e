/**
 * .NET exceptions raised while an expression runs. They carry the CLR exception type and
 * .NET's own message so `context.LastError.Message` reads like APIM's
 * ("Expression evaluation failed. Object reference not set to an instance of an object.").
 */
export class ClrException extends Error {
  constructor(
    readonly clrType: string,
    message: string,
  ) {
    super(message);
    this.name = clrType;
  }
}

export function nullReference(): ClrException {
  return new ClrException('System.NullReferenceException', 'Object reference not set to an instance of an object.');
}

export function argumentNull(param: string): ClrException {
  return new ClrException('System.ArgumentNullException', `Value cannot be null. (Parameter '${param}')`);
}

export function argumentOutOfRange(param: string, detail?: string): ClrException {
  return new ClrException(
    'System.ArgumentOutOfRangeException',
    `${detail ?? 'Specified argument was out of the range of valid values.'} (Parameter '${param}')`,
  );
}

export function argumentError(message: string, param?: string): ClrException {
  return new ClrException('System.ArgumentException', param ? `${message} (Parameter '${param}')` : message);
}

export function indexOutOfRange(): ClrException {
  return new ClrException('System.IndexOutOfRangeException', 'Index was outside the bounds of the array.');
}

export function formatError(message = 'Input string was not in a correct format.'): ClrException {
  return new ClrException('System.FormatException', message);
}

export function invalidCast(from: string, to: string): ClrException {
  return new ClrException('System.InvalidCastException', `Unable to cast object of type '${from}' to type '${to}'.`);
}

export function invalidOperation(message: string): ClrException {
  return new ClrException('System.InvalidOperationException', message);
}

export function overflow(message = 'Arithmetic operation resulted in an overflow.'): ClrException {
  return new ClrException('System.OverflowException', message);
}

export function divideByZero(): ClrException {
  return new ClrException('System.DivideByZeroException', 'Attempted to divide by zero.');
}

export function keyNotFound(key: unknown): ClrException {
  return new ClrException(
    'System.Collections.Generic.KeyNotFoundException',
    `The given key '${String(key)}' was not present in the dictionary.`,
  );
}


/** Guard used by every instance member: calling a member on null is a NullReferenceException. */
export function nonNull<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw nullReference();
  return value;
}
