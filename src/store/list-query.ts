import { ValidationError } from '../model/errors.js';
import type { ListQuery } from './types.js';

export interface PageWindow {
  parent: string | undefined;
  /** undefined: no limit. */
  top: number | undefined;
  skip: number;
}

/** Validates `$top`/`$skip` (they arrive from query strings) and fills the defaults. */
export function toPageWindow(query: ListQuery = {}): PageWindow {
  return {
    parent: query.parent,
    top: query.top === undefined ? undefined : checkCount(query.top, '$top'),
    skip: query.skip === undefined ? 0 : checkCount(query.skip, '$skip'),
  };
}

function checkCount(value: number, target: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`${target} must be a non-negative integer.`, [
      { code: 'InvalidPaging', target, message: `${target} must be a non-negative integer.` },
    ]);
  }
  return value;
}
