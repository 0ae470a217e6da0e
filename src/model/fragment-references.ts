/**
 * Which policy fragments a policy document (or another fragment) includes. A plain scan
 * for `fragment-id="…"`, not a parse: management uses it to refuse deleting a fragment
 * still in use and to find the documents to re-check when one changes, and the
 * declarative loader to catch an undeclared fragment. It may over-report (the text inside
 * a comment or an expression string counts), which only errs towards keeping a fragment.
 * It misses only an id spelled with character references (`fragment-id="a&#45;b"`).
 */
const FRAGMENT_ID_ATTRIBUTE = /\bfragment-id\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The fragment ids a document names, each once, in order of first appearance. */
export function referencedFragmentIds(document: string): string[] {
  const ids = new Set<string>();
  for (const match of document.matchAll(FRAGMENT_ID_ATTRIBUTE)) {
    // The include-fragment policy trims the id too.
    const id = (match[1] ?? match[2]).trim();
    if (id !== '') ids.add(id);
  }
  return [...ids];
}
