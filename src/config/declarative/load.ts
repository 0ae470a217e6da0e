import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkCrossReferences } from './cross-references.js';
import { DeclarativeFileError, type DeclarativeIssue } from './issues.js';
import { mapDocument } from './map-document.js';
import { parseSource, type SourcePosition } from './source-document.js';
import type { DeclaredResource } from './types.js';
import { validateDeclaredProperties } from './validate-properties.js';

/** A declarative file is hand-written config; anything this large is a mistake (or an attack on the parser). */
export const MAX_DECLARATIVE_FILE_BYTES = 16 * 1024 * 1024;

/** A declarative file that passed every check the loader can make on its own. */
export interface LoadedDeclarativeFile {
  file: string;
  resources: DeclaredResource[];
  /** Where a dotted path (as issues name it) is written in the file; for problems found later, e.g. by the service. */
  locate(path: string): SourcePosition | undefined;
}

/**
 * Reads and checks a declarative file (YAML or JSON) completely: syntax, structure,
 * properties (with the model's validators) and references between resources. Either every
 * resource comes back, or a DeclarativeFileError lists every problem — never a partial set,
 * so callers can apply the result all-or-nothing.
 */
export async function loadDeclarativeFile(file: string): Promise<LoadedDeclarativeFile> {
  const absolute = resolve(file);
  let text: string;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw fileError(file, 'NotAFile', 'is not a file');
    if (info.size > MAX_DECLARATIVE_FILE_BYTES) {
      throw fileError(file, 'FileTooLarge', `is ${info.size} bytes; the limit is ${MAX_DECLARATIVE_FILE_BYTES}`);
    }
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof DeclarativeFileError) throw error;
    throw fileError(file, 'FileNotFound', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseDeclarativeText(text, { file, baseDir: dirname(absolute) });
}

/** Same as loadDeclarativeFile for text already in memory; `baseDir` anchors relative policy paths. */
export function parseDeclarativeText(text: string, context: { file: string; baseDir: string }): LoadedDeclarativeFile {
  const parsed = parseSource(text);
  if (!parsed.ok) throw new DeclarativeFileError(context.file, parsed.issues);

  const { resources, issues } = mapDocument(parsed.document, context);
  issues.push(...validateDeclaredProperties(resources, parsed.document));
  // Cross-reference checks know only the resource's position; point each at the exact field.
  issues.push(...checkCrossReferences(resources).map((issue) => ({ ...issue, ...parsed.document.locateText(issue.path) })));
  if (issues.length > 0) throw new DeclarativeFileError(context.file, sortByPosition(issues));
  return { file: context.file, resources, locate: (path) => parsed.document.locateText(path) };
}

/**
 * Re-points issues reported against this file's resources by someone who only knew the
 * resource's own position (the management service) at the exact key they name.
 */
export function relocateIssues(loaded: LoadedDeclarativeFile, error: DeclarativeFileError): DeclarativeFileError {
  const issues = error.issues.map((issue) => ({ ...issue, ...loaded.locate(issue.path) }));
  return new DeclarativeFileError(loaded.file, sortByPosition(issues));
}

function fileError(file: string, code: string, message: string): DeclarativeFileError {
  return new DeclarativeFileError(file, [{ code, path: '', message }]);
}

function sortByPosition(issues: DeclarativeIssue[]): DeclarativeIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
