import { referencedFragmentIds } from '../../model/fragment-references.js';
import type { DeclarativeIssue } from './issues.js';
import type { DeclaredResource } from './types.js';

/**
 * Checks that every id a resource points at is declared in the same file, so `validate`
 * catches a typo without a server. A declarative file is a complete picture of what it
 * manages; references to resources that only exist in some store are not resolvable here.
 */
export function checkCrossReferences(resources: readonly DeclaredResource[]): DeclarativeIssue[] {
  const declared = new Set(resources.map((resource) => `${resource.kind}:${resource.parent}:${resource.id}`));
  const has = (kind: string, id: string): boolean => declared.has(`${kind}::${id}`);
  const issues: DeclarativeIssue[] = [];
  const report = (resource: DeclaredResource, field: string, message: string): void => {
    const path = field ? `${resource.source.path}.${field}` : resource.source.path;
    issues.push({ code: 'UnknownReference', path, message, line: resource.source.line, column: resource.source.column });
  };

  for (const resource of resources) {
    const { properties } = resource;
    switch (resource.kind) {
      case 'api':
      case 'operation': {
        const backendId = properties.backendId;
        if (typeof backendId === 'string' && !has('backend', backendId)) {
          report(resource, 'backendId', `backend "${backendId}" is not declared under backends`);
        }
        const versionSetId = lastSegment(properties.apiVersionSetId);
        if (resource.kind === 'api' && versionSetId !== undefined && !has('apiVersionSet', versionSetId)) {
          report(resource, 'apiVersionSetId', `API version set "${versionSetId}" is not declared under apiVersionSets`);
        }
        break;
      }
      case 'productApi':
        if (!has('api', resource.id)) report(resource, '', `API "${resource.id}" is not declared under apis`);
        break;
      case 'subscription': {
        const target = scopeTarget(properties.scope);
        if (target && !has(target.kind, target.id)) {
          report(resource, 'scope', `${target.kind} "${target.id}" is not declared under ${target.kind}s`);
        }
        break;
      }
      case 'policy':
      case 'policyFragment': {
        if (typeof properties.value !== 'string') break;
        // A fragment's path names the entry; its document sits under `.value`. A policy's path is the document itself.
        const field = resource.kind === 'policyFragment' ? 'value' : '';
        for (const fragmentId of referencedFragmentIds(properties.value)) {
          if (!has('policyFragment', fragmentId)) {
            report(resource, field, `policy fragment "${fragmentId}" is not declared under policyFragments`);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return issues;
}

/** `/products/starter` (or the same at the end of a full ARM id) → product starter; `/apis` → none. */
function scopeTarget(scope: unknown): { kind: 'product' | 'api'; id: string } | undefined {
  if (typeof scope !== 'string') return undefined;
  const match = /(?:^|\/)(products|apis)\/([^/]+)\/?$/.exec(scope);
  if (!match) return undefined;
  return { kind: match[1] === 'products' ? 'product' : 'api', id: match[2] };
}

/** Version set ids may be written as `/apiVersionSets/{id}` (APIM's form) or bare. */
function lastSegment(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.split('/').filter(Boolean).pop();
}
