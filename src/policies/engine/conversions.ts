/** Expression results converted to what an attribute needs, failing as APIM does at run time. */
import { ExpressionEvaluationError } from '../../expressions/index.js';

export function conversionFailure(message: string): ExpressionEvaluationError {
  return new ExpressionEvaluationError('System.FormatException', message);
}

export function toInteger(value: unknown, label: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) {
    return Number(value);
  }
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const parsed = Number(value.trim());
    if (Number.isSafeInteger(parsed)) return parsed;
  }
  throw conversionFailure(`${label} must evaluate to a whole number.`);
}

export function toBoolean(value: unknown, label: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw conversionFailure(`${label} must evaluate to true or false.`);
}
