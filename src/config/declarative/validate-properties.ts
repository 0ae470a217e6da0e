import { PorticoError } from '../../model/errors.js';
import { validateProperties } from '../../model/validate.js';
import type { DeclarativeIssue } from './issues.js';
import type { SourceDocument } from './source-document.js';
import type { DeclaredResource } from './types.js';

/**
 * Checks each resource's properties against the model's schema (the same validator the
 * REST API uses), with error targets prefixed by the resource's path in the file so each
 * problem can be pointed at the exact key.
 */
export function validateDeclaredProperties(resources: readonly DeclaredResource[], source: SourceDocument): DeclarativeIssue[] {
  const issues: DeclarativeIssue[] = [];
  for (const resource of resources) {
    try {
      validateProperties(resource.kind, resource.properties, { id: resource.id, target: resource.source.path });
    } catch (error) {
      if (!(error instanceof PorticoError)) throw error;
      const details = error.details.length > 0 ? error.details : [{ code: error.code, target: resource.source.path, message: error.message }];
      for (const detail of details) {
        const path = detail.target ?? resource.source.path;
        const position = source.locateText(path) ?? { line: resource.source.line, column: resource.source.column };
        issues.push({ code: detail.code, path, message: detail.message, ...position });
      }
    }
  }
  return issues;
}
