/** One policy document (one scope) → its sections' items, `<base/>` kept as a marker for merging. */
import { PolicyParseError, POLICY_SECTIONS, parsePolicyXml, policiesDocument, type PolicyFormat, type PolicySectionName } from '../xml/index.js';
import type { PolicyScopeName } from '../contract/snapshot-view.js';
import { compileNodes, messageOf, type DocumentEnvironment, type SectionItem } from './compile-context.js';

export interface CompiledDocument {
  /** A section the document does not write is absent: the scope inherits its parent's. */
  readonly sections: Readonly<Partial<Record<PolicySectionName, readonly SectionItem[]>>>;
}

/** Null when the document does not parse (the problems say why). */
export function compileDocument(value: string, format: PolicyFormat, scope: PolicyScopeName, env: DocumentEnvironment): CompiledDocument | null {
  let root;
  try {
    root = policiesDocument(parsePolicyXml(value, format), 'policies');
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    env.problems.push(...error.details);
    return null;
  }
  const sections: Partial<Record<PolicySectionName, readonly SectionItem[]>> = {};
  for (const name of POLICY_SECTIONS) {
    const element = root.sections[name];
    if (element === undefined) continue;
    const needs = { requestBody: false, responseBody: false };
    sections[name] = compileNodes(element.children, env, { section: name, scope, message: messageOf(name) }, '', needs, true);
  }
  return { sections };
}
