import { ValidationError, type ErrorDetail } from '../../model/errors.js';

/**
 * One problem found in a declarative file. `path` is the dotted resource path inside the
 * file (`apis.orders.operations.get-order.urlTemplate`); line and column are 1-based and
 * point at the offending key or value when the parser knows it.
 */
export interface DeclarativeIssue {
  code: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * Raised when a declarative file cannot be used. It carries *every* issue found, not only
 * the first, so `portico validate` and `portico start --config` can show the whole list in
 * one go; the file is all-or-nothing, so nothing from it is applied when this is thrown.
 */
export class DeclarativeFileError extends ValidationError {
  readonly issues: readonly DeclarativeIssue[];

  constructor(
    readonly file: string,
    issues: readonly DeclarativeIssue[],
  ) {
    super(
      `${file}: ${issues.length} error${issues.length === 1 ? '' : 's'} in declarative file`,
      issues.map((issue): ErrorDetail => ({
        code: issue.code,
        target: issue.path,
        message: issue.message,
        line: issue.line,
        column: issue.column,
      })),
    );
    this.issues = issues;
  }
}

/** `FILE:LINE:COL path: message` — the shape editors and CI annotators understand. */
export function formatIssue(file: string, issue: DeclarativeIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}
