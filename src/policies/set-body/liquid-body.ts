/** Compiles a liquid `<set-body>`'s text: parsed once, problems located in the document. */
import type { CompileContext, Evaluator } from '../engine/definition.js';
import { positionInValue, type PolicyElement, type PolicyText } from '../xml/index.js';
import { compileLiquid, LiquidSyntaxError } from './liquid.js';
import { liquidScope } from './liquid-scope.js';

export function liquidBody(element: PolicyElement, c: CompileContext): Evaluator<string> {
  const texts = element.children.filter((child): child is PolicyText => child.kind === 'text');
  const others = element.children.find((child) => child.kind === 'element');
  if (others !== undefined) c.fail('UnexpectedElement', '<set-body template="liquid"> takes a template as text, not elements', others);
  const source = texts.map((text) => text.value).join('');
  let template;
  try {
    template = compileLiquid(source);
  } catch (error) {
    if (!(error instanceof LiquidSyntaxError)) throw error;
    const at = locate(texts, error.offset) ?? element;
    c.fail('InvalidTemplate', `the liquid template does not parse: ${error.message}`, at);
  }
  c.needBody(c.message);
  return (ctx) => template.render(liquidScope(c.expressionContext(ctx), c.message));
}

/** The document position of `offset` in the concatenated texts. */
function locate(texts: readonly PolicyText[], offset: number): { line: number; column: number } | undefined {
  let remaining = offset;
  for (const text of texts) {
    if (remaining <= text.value.length) return positionInValue(text, remaining);
    remaining -= text.value.length;
  }
  return undefined;
}
