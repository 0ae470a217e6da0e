import type { TemplateSegmentPart } from '../../model/url-template.js';

/**
 * Matches one path segment against a template segment mixing literals and parameters,
 * e.g. `{name}.{ext}` or `v{major}.{minor}`.
 *
 * Follows ASP.NET Core's rule for complex segments: literals are found from right to
 * left, each parameter taking the shortest non-empty run to the right of the previous
 * literal, without backtracking. `archive.tar.gz` against `{name}.{ext}` gives
 * name=archive.tar, ext=gz. Linear in the segment length, whatever the input.
 */
export class ComplexSegmentMatcher {
  /** Literal parts lower-cased (paths match case-insensitively); params as null. */
  private readonly literals: (string | null)[];
  readonly paramCount: number;
  /** Identifies the pattern regardless of parameter names, to share trie edges. */
  readonly signature: string;
  /** Literal characters in the pattern: more means more specific, tried first. */
  readonly literalLength: number;

  constructor(parts: TemplateSegmentPart[]) {
    this.literals = parts.map((p) => (p.kind === 'literal' ? p.value.toLowerCase() : null));
    this.paramCount = parts.filter((p) => p.kind === 'param').length;
    this.signature = this.literals.map((l) => (l === null ? '{}' : encodeURIComponent(l))).join('');
    this.literalLength = this.literals.reduce((n, l) => n + (l?.length ?? 0), 0);
  }

  /**
   * On a match, pushes the parameter values (left to right, original case) onto
   * `captures` and returns true; otherwise leaves `captures` untouched.
   */
  match(value: string, lowered: string, captures: string[]): boolean {
    // Unicode case mapping can change the length; then match case-sensitively so that
    // indexes in `lowered` stay valid in `value`.
    const text = lowered.length === value.length ? lowered : value;
    const parts = this.literals;
    const values = new Array<string>(this.paramCount);
    let p = this.paramCount - 1;
    let end = text.length;
    let k = parts.length - 1;

    const trailing = parts[k];
    if (trailing !== null) {
      if (!text.endsWith(trailing, end)) return false;
      end -= trailing.length;
      k--;
    }
    while (k >= 0) {
      // parts[k] is a parameter; parts[k - 1], if any, the literal to its left.
      if (k === 0) {
        if (end === 0) return false;
        values[p] = value.slice(0, end);
        break;
      }
      const literal = parts[k - 1]!;
      if (k - 1 === 0) {
        if (!text.startsWith(literal) || end - literal.length < 1) return false;
        values[p] = value.slice(literal.length, end);
        break;
      }
      const from = end - 1 - literal.length;
      const at = from < 1 ? -1 : text.lastIndexOf(literal, from);
      if (at < 1) return false;
      values[p--] = value.slice(at + literal.length, end);
      end = at;
      k -= 2;
    }
    for (const v of values) captures.push(v);
    return true;
  }
}
