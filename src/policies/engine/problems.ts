/**
 * Save-time and compile-time problems with a policy document. Each names the element and
 * where it stands; a document with any problem is refused whole.
 */
import { ValidationError, type ErrorDetail } from '../../model/errors.js';

/** Stable codes for `details[].code`. */
export type PolicyProblemCode =
  | 'UnknownPolicy'
  | 'PolicyNotAllowedInSection'
  | 'PolicyNotYetSupported'
  | 'AzureServicePolicy'
  | 'UnknownAttribute'
  | 'MissingAttribute'
  | 'InvalidAttributeValue'
  | 'UnexpectedElement'
  | 'MissingElement'
  | 'UnexpectedText'
  | 'MisplacedBase'
  | 'UnknownNamedValue'
  | 'UnknownBackend'
  | 'UnknownFragment'
  | 'InvalidFragment'
  | 'ExpressionError'
  | 'InvalidTemplate';

export interface Located {
  readonly line: number;
  readonly column: number;
}

export function problemDetail(code: string, message: string, at: Located, target?: string): ErrorDetail {
  return target === undefined
    ? { code, message, line: at.line, column: at.column }
    : { code, target, message, line: at.line, column: at.column };
}

/**
 * Thrown inside one element's compile to abandon that element; the section compiler
 * records it and carries on with the next element, so one save reports every problem.
 */
export class PolicyProblem extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message);
    this.name = 'PolicyProblem';
  }
}

export function fail(code: PolicyProblemCode, message: string, at: Located): never {
  throw new PolicyProblem(problemDetail(code, message, at));
}

/** A policy document that does not compile; `details` lists every problem with its line and column. */
export class PolicyValidationError extends ValidationError {
  constructor(details: ErrorDetail[], where?: string) {
    const first = details[0];
    const position = first?.line === undefined ? '' : ` (line ${first.line}, column ${first.column})`;
    const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
    const prefix = where === undefined ? '' : `${where}: `;
    super(`${prefix}${first?.message ?? 'The policy document is invalid'}${position}${more}`, details);
  }
}
