import { ValidationError } from '../../model/errors.js';
import type { SourcePosition } from './types.js';

/** Stable, machine-readable reasons; they appear as `details[0].code` in API error bodies. */
export type PolicyParseErrorReason =
  // policy expressions (C#)
  | 'UnterminatedExpression'
  | 'UnterminatedString'
  | 'UnterminatedComment'
  | 'MismatchedBracket'
  | 'TextAfterExpression'
  // XML structure
  | 'UnterminatedTag'
  | 'UnterminatedAttributeValue'
  | 'UnterminatedCData'
  | 'UnterminatedDeclaration'
  | 'MalformedTag'
  | 'InvalidName'
  | 'DuplicateAttribute'
  | 'MissingAttributeValue'
  | 'UnquotedAttributeValue'
  | 'InvalidAttributeValue'
  | 'InvalidEntity'
  | 'StrayLessThan'
  | 'MismatchedTag'
  | 'UnexpectedEndTag'
  | 'UnclosedElement'
  | 'NoRootElement'
  | 'MultipleRootElements'
  | 'TextOutsideRoot'
  | 'DoctypeNotAllowed'
  | 'ProcessingInstructionNotAllowed'
  | 'NestingTooDeep'
  // document shape (<policies> / <fragment>)
  | 'UnexpectedRootElement'
  | 'UnknownSection'
  | 'DuplicateSection'
  | 'UnexpectedText';

/**
 * A policy document could not be read. `message` ends with the position so it can be shown as
 * is; `description`, `line`, `column` and `offset` are there for callers that format their own.
 */
export class PolicyParseError extends ValidationError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;

  constructor(
    readonly reason: PolicyParseErrorReason,
    readonly description: string,
    position: SourcePosition,
  ) {
    super(`${description} (line ${position.line}, column ${position.column})`, [
      { code: reason, message: description, line: position.line, column: position.column },
    ]);
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
  }
}
