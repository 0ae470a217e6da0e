import { referencedFragmentIds } from '../model/fragment-references.js';

/**
 * Policy fragments ordered so each comes after the fragments it includes: declarative
 * apply writes them in this order (each save-time check then finds what it includes),
 * and prune deletes in the reverse one (an includer goes before what it includes).
 * A cycle is left in file order; the compiler reports it when the fragments are checked.
 */
export function includedFirst<T>(fragments: readonly T[], idOf: (fragment: T) => string, documentOf: (fragment: T) => string): T[] {
  const byId = new Map(fragments.map((fragment) => [idOf(fragment), fragment]));
  const ordered: T[] = [];
  const visited = new Set<string>();
  const visit = (fragment: T): void => {
    const id = idOf(fragment);
    if (visited.has(id)) return;
    visited.add(id);
    for (const includedId of referencedFragmentIds(documentOf(fragment))) {
      const included = byId.get(includedId);
      if (included !== undefined) visit(included);
    }
    ordered.push(fragment);
  };
  fragments.forEach(visit);
  return ordered;
}
