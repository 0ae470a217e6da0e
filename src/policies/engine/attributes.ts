/** Attribute checks shared by every policy: unknown (with a suggestion), missing, literal-only. */
import type { PolicyElement } from '../xml/index.js';
import type { AttributeSpec } from './definition.js';
import { fail } from './problems.js';

/** Accepted on every policy element: surfaces as `context.LastError.PolicyId`. */
const COMMON_ATTRIBUTES: ReadonlySet<string> = new Set(['id']);

export function checkAttributes(element: PolicyElement, spec: Readonly<Record<string, AttributeSpec>>): void {
  const known = Object.keys(spec);
  for (const attribute of element.attributes) {
    if (COMMON_ATTRIBUTES.has(attribute.name) || Object.hasOwn(spec, attribute.name)) {
      if (spec[attribute.name]?.expression === false && attribute.isExpression) {
        fail('InvalidAttributeValue', `<${element.name}> attribute '${attribute.name}' cannot be an expression`, attribute);
      }
      continue;
    }
    const suggestion = closest(attribute.name, known);
    const hint = suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
    const accepted = known.length === 0 ? 'it takes no attributes' : `it accepts ${known.map((k) => `'${k}'`).join(', ')}`;
    fail('UnknownAttribute', `<${element.name}> has no attribute '${attribute.name}'${hint || ` (${accepted})`}`, attribute);
  }
  for (const [name, attributeSpec] of Object.entries(spec)) {
    if (attributeSpec.required === true && !element.attributes.some((a) => a.name === name)) {
      fail('MissingAttribute', `<${element.name}> needs the attribute '${name}'`, element);
    }
  }
}

/** The name within edit distance 2 (or sharing a long prefix), for "did you mean". */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
