import { formatIssue, type DeclarativeFileError } from '../config/declarative/issues.js';

/** Every problem of a refused declarative file, one `FILE:LINE:COL path: message` line each, on stderr. */
export function printIssues(file: string, error: DeclarativeFileError): void {
  for (const issue of error.issues) process.stderr.write(`${formatIssue(file, issue)}\n`);
}
