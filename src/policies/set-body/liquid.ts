/**
 * `<set-body template="liquid">`: APIM's Liquid templates, run by liquidjs. Templates are
 * parsed once when the policy compiles; each request renders them over a plain-object copy
 * of the expression `context` (PascalCase names, as APIM), with `body` the message's JSON.
 */
import { Liquid, LiquidError, type Template } from 'liquidjs';
import { dotNetDateFilter } from './liquid-date.js';

/** APIM's (DotLiquid's) PascalCase filter names, mapped onto liquidjs's snake_case built-ins. */
const FILTER_NAMES: Readonly<Record<string, string>> = {
  Abs: 'abs',
  Append: 'append',
  Capitalize: 'capitalize',
  Ceil: 'ceil',
  Compact: 'compact',
  Default: 'default',
  DividedBy: 'divided_by',
  Downcase: 'downcase',
  Escape: 'escape',
  EscapeOnce: 'escape_once',
  First: 'first',
  Floor: 'floor',
  H: 'escape',
  Join: 'join',
  Last: 'last',
  Lstrip: 'lstrip',
  Map: 'map',
  Minus: 'minus',
  Modulo: 'modulo',
  NewlineToBr: 'newline_to_br',
  Plus: 'plus',
  Prepend: 'prepend',
  Remove: 'remove',
  RemoveFirst: 'remove_first',
  Replace: 'replace',
  ReplaceFirst: 'replace_first',
  Reverse: 'reverse',
  Round: 'round',
  Rstrip: 'rstrip',
  Size: 'size',
  Slice: 'slice',
  Sort: 'sort',
  Split: 'split',
  Strip: 'strip',
  StripHtml: 'strip_html',
  StripNewlines: 'strip_newlines',
  Times: 'times',
  Truncate: 'truncate',
  TruncateWords: 'truncatewords',
  Uniq: 'uniq',
  Upcase: 'upcase',
  UrlDecode: 'url_decode',
  UrlEncode: 'url_encode',
};

/** A template that failed to parse, with the offset of the offending token in the source. */
export class LiquidSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface LiquidTemplate {
  render(scope: Readonly<Record<string, unknown>>): string;
}

const engine = createEngine();

function createEngine(): Liquid {
  const liquid = new Liquid({
    // An empty in-memory template store: include/render/layout can never reach the file system.
    templates: {},
    strictFilters: true,
    ownPropertyOnly: true,
    // Bounds a hostile or mistaken template (e.g. nested loops over a large body).
    renderLimit: 1000,
    memoryLimit: 16 * 1024 * 1024,
  });
  // Refused when the template is saved, not just failing per request: there are no files to include.
  for (const tag of ['include', 'render', 'layout']) {
    liquid.registerTag(tag, {
      parse() {
        throw new Error(`{% ${tag} %} is not supported: templates cannot read other templates`);
      },
      render() {
        return '';
      },
    });
  }
  for (const [pascal, builtin] of Object.entries(FILTER_NAMES)) {
    const implementation = liquid.filters[builtin];
    if (implementation !== undefined) liquid.registerFilter(pascal, implementation);
  }
  liquid.registerFilter('Date', dotNetDateFilter(liquid.filters.date));
  return liquid;
}

/** Parses `source` once; throws LiquidSyntaxError when it is not a valid template. */
export function compileLiquid(source: string): LiquidTemplate {
  let parsed: Template[];
  try {
    parsed = engine.parse(source);
  } catch (error) {
    if (error instanceof LiquidError) throw new LiquidSyntaxError(firstLine(error.message), error.token.begin);
    throw error;
  }
  return {
    render: (scope) => String(engine.renderSync(parsed, scope)),
  };
}

/** liquidjs appends a source excerpt after the first line; the document position replaces it. */
function firstLine(message: string): string {
  const line = message.split('\n')[0];
  return line.replace(/, line:\d+, col:\d+$/, '');
}
