/**
 * The shape every policy document has: `<policies>` with at most one of each section, or a
 * `<fragment>` holding policy elements directly (APIM policy fragments have no sections).
 */
import { PolicyParseError } from './errors.js';
import { positionInValue } from './positions.js';
import type { PolicyDocument, PolicyElement, PolicyText } from './types.js';

export type PolicySectionName = 'inbound' | 'backend' | 'outbound' | 'on-error';

/** In execution order. */
export const POLICY_SECTIONS: readonly PolicySectionName[] = ['inbound', 'backend', 'outbound', 'on-error'];

export interface PoliciesRoot {
  readonly kind: 'policies';
  readonly root: PolicyElement;
  /** Keyed by the XML element name; a section that is not written is absent. */
  readonly sections: Readonly<Partial<Record<PolicySectionName, PolicyElement>>>;
}

export interface FragmentRoot {
  readonly kind: 'fragment';
  readonly root: PolicyElement;
  /** The fragment's policy elements, in order. */
  readonly policies: readonly PolicyElement[];
}

export type PolicyRoot = PoliciesRoot | FragmentRoot;

/**
 * Checks the document's root and returns its sections (or, for a fragment, its policies).
 * `expect` pins which root is acceptable; without it either is.
 */
export function policiesDocument(tree: PolicyDocument | PolicyElement, expect: 'policies'): PoliciesRoot;
export function policiesDocument(tree: PolicyDocument | PolicyElement, expect: 'fragment'): FragmentRoot;
export function policiesDocument(tree: PolicyDocument | PolicyElement, expect?: 'policies' | 'fragment'): PolicyRoot;
export function policiesDocument(tree: PolicyDocument | PolicyElement, expect?: 'policies' | 'fragment'): PolicyRoot {
  const root = tree.kind === 'document' ? tree.root : tree;
  const accepted = expect === undefined ? ['policies', 'fragment'] : [expect];
  if (!accepted.includes(root.name)) {
    const wanted = accepted.map((name) => `<${name}>`).join(' or ');
    throw new PolicyParseError('UnexpectedRootElement', `The root element must be ${wanted}, not <${root.name}>`, root);
  }
  const elements = significantElements(root);
  if (root.name === 'fragment') return { kind: 'fragment', root, policies: elements };

  const sections: Partial<Record<PolicySectionName, PolicyElement>> = {};
  for (const element of elements) {
    if (!isSectionName(element.name)) {
      throw new PolicyParseError(
        'UnknownSection',
        `Unknown policy section <${element.name}>; expected <inbound>, <backend>, <outbound> or <on-error>`,
        element,
      );
    }
    const earlier = sections[element.name];
    if (earlier !== undefined) {
      throw new PolicyParseError(
        'DuplicateSection',
        `Section <${element.name}> appears twice; the first is at line ${earlier.line}, column ${earlier.column}`,
        element,
      );
    }
    sections[element.name] = element;
  }
  return { kind: 'policies', root, sections };
}

function isSectionName(name: string): name is PolicySectionName {
  return (POLICY_SECTIONS as readonly string[]).includes(name);
}

/** Child elements, refusing text: only whitespace and comments may sit between them. */
function significantElements(parent: PolicyElement): PolicyElement[] {
  const elements: PolicyElement[] = [];
  for (const child of parent.children) {
    if (child.kind === 'element') elements.push(child);
    else if (child.kind === 'text') rejectText(parent, child);
  }
  return elements;
}

function rejectText(parent: PolicyElement, text: PolicyText): void {
  const firstVisible = text.value.search(/[^ \t\r\n]/);
  if (firstVisible === -1) return;
  throw new PolicyParseError(
    'UnexpectedText',
    `Text is not allowed directly inside <${parent.name}>`,
    positionInValue(text, firstVisible),
  );
}
