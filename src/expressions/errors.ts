/**
 * Errors of the expression engine. Compile errors are validation errors (400 at save time)
 * that point at the line and column of the offending code in the policy document; evaluation
 * errors are the per-request failures that APIM reports as `ExpressionValueEvaluationFailure`.
 */
import { PorticoError, ValidationError } from '../model/errors.js';

export type CompileErrorReason =
  /** The text is not valid C#. */
  | 'Syntax'
  /** Valid C#, but a construct the expression subset does not support. */
  | 'UnsupportedSyntax'
  /** A type, member or name that does not exist or is not allowed. */
  | 'UnknownMember'
  /** The types do not fit (no conversion, wrong arguments, missing return). */
  | 'Type';

export interface SourcePosition {
  /** 1-based line in the policy document. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) in the policy document. */
  readonly column: number;
}

export class ExpressionCompileError extends ValidationError {
  readonly reason: CompileErrorReason;
  /** The member, type or name the error is about, when there is one. */
  readonly member?: string;
  readonly line: number;
  readonly column: number;

  constructor(reason: CompileErrorReason, message: string, position: SourcePosition, member?: string) {
    super(`Expression error at line ${position.line}, column ${position.column}: ${message}`, [
      { code: `Expression${reason}Error`, target: member, message, line: position.line, column: position.column },
    ]);
    this.reason = reason;
    this.member = member;
    this.line = position.line;
    this.column = position.column;
  }
}

/**
 * A .NET exception thrown while an expression ran. `exceptionType` is the CLR type name
 * (`System.NullReferenceException`); the message follows APIM's wording.
 */
export class ExpressionEvaluationError extends PorticoError {
  readonly exceptionType: string;
  readonly exceptionMessage: string;

  constructor(exceptionType: string, exceptionMessage: string) {
    super('ExpressionValueEvaluationFailure', 500, `Expression evaluation failed. ${exceptionMessage}`);
    this.exceptionType = exceptionType;
    this.exceptionMessage = exceptionMessage;
  }
}
