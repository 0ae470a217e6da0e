/**
 * rewrite-uri templates: `/v2/{id}/items?sort={order}&fixed=1`. `{name}` takes the value the
 * operation's URL template matched; `{*rest}` keeps its slashes. Parsed once for literal
 * templates, per request for expression ones.
 */
import { encodeQueryPair, joinQuery, splitQuery, type QueryParameter } from '../http/query.js';

type Part = string | { readonly param: string; readonly wildcard: boolean };

export interface RewriteTemplate {
  readonly path: readonly Part[];
  readonly query: readonly { readonly name: string; readonly value: readonly Part[] }[];
  /** Decoded names of the template's own query parameters. */
  readonly queryNames: ReadonlySet<string>;
}

/** Throws a plain Error with a message for a template that cannot be a relative URL. */
export function parseRewriteTemplate(template: string): RewriteTemplate {
  const text = template.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new Error('the template must be a path, not an absolute URL');
  const queryAt = text.indexOf('?');
  const pathText = queryAt === -1 ? text : text.slice(0, queryAt);
  const queryText = queryAt === -1 ? '' : text.slice(queryAt + 1);
  const query = [];
  const queryNames = new Set<string>();
  for (const pair of queryText.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    query.push({ name, value: eq === -1 ? [] : parts(pair.slice(eq + 1)) });
    queryNames.add(safeDecode(name));
  }
  return { path: parts(pathText.startsWith('/') ? pathText : `/${pathText}`), query, queryNames };
}

function parts(text: string): Part[] {
  const result: Part[] = [];
  let from = 0;
  for (const match of text.matchAll(/\{(\*?)([^{}]+)\}/g)) {
    if (match.index > from) result.push(text.slice(from, match.index));
    result.push({ param: match[2], wildcard: match[1] === '*' });
    from = match.index + match[0].length;
  }
  if (from < text.length) result.push(text.slice(from));
  return result;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface RewriteInput {
  readonly parameters: ReadonlyMap<string, string>;
  /** The query as it is now (before the rewrite). */
  readonly query: string;
  /** Copy query parameters the operation's template did not consume. */
  readonly copyUnmatched: boolean;
  /** Query parameter names the operation's URL template consumed. */
  readonly consumed: ReadonlySet<string>;
}

export function renderRewrite(template: RewriteTemplate, input: RewriteInput): { path: string; query: string } {
  const path = template.path.map((part) => render(part, input.parameters, true)).join('');
  const pairs: QueryParameter[] = [];
  for (const { name, value } of template.query) {
    if (value.length === 0) {
      pairs.push({ name, raw: name });
      continue;
    }
    const rendered = value.map((part) => render(part, input.parameters, false)).join('');
    pairs.push({ name, raw: `${name}=${rendered}` });
  }
  if (input.copyUnmatched) {
    for (const parameter of splitQuery(input.query)) {
      if (!input.consumed.has(parameter.name) && !template.queryNames.has(parameter.name)) pairs.push(parameter);
    }
  }
  return { path, query: joinQuery(pairs) };
}

function render(part: Part, parameters: ReadonlyMap<string, string>, inPath: boolean): string {
  if (typeof part === 'string') return part;
  const value = lookup(parameters, part.param) ?? '';
  if (!inPath) return encodeQueryPair('x', value).slice(2);
  return part.wildcard ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
}

function lookup(parameters: ReadonlyMap<string, string>, name: string): string | undefined {
  const direct = parameters.get(name);
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of parameters) if (key.toLowerCase() === lower) return value;
  return undefined;
}
