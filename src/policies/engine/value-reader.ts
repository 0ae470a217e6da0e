/**
 * Reading attribute and text values for a policy's compile: named values substituted,
 * literals checked against the attribute's declared type, expressions compiled into
 * evaluators. Also notes when an expression may read a message body, so the section
 * buffers it first.
 */
import { toPolicyString } from '../../expressions/index.js';
import { getAttribute, type PolicyElement, type PolicyText, type PolicyValue } from '../xml/index.js';
import { conversionFailure, toBoolean, toInteger } from './conversions.js';
import { constant, type AttributeSpec, type Evaluator } from './definition.js';
import { expressionContextOf, type ExpressionEnvironment } from './expression-view.js';
import type { NamedValueLookup } from './named-values.js';
import { fail } from './problems.js';
import type { StepNeeds } from './steps.js';
import { resolveValue, type ResolvedValue } from './values.js';

const deferred: Evaluator<never> = () => {
  throw new Error('An expression compiled only for checking was evaluated');
};

export abstract class ValueReader {
  private readonly specs = new WeakMap<PolicyElement, Readonly<Record<string, AttributeSpec>>>();

  constructor(
    private readonly namedValues: NamedValueLookup | undefined,
    private readonly expressions: ExpressionEnvironment,
    private readonly target: 'request' | 'response',
    protected readonly needs: StepNeeds,
  ) {}

  /** The attribute spec an element was checked against, for typed reads (min, max). */
  remember(element: PolicyElement, spec: Readonly<Record<string, AttributeSpec>>): void {
    this.specs.set(element, spec);
  }

  needBody(which: 'request' | 'response'): void {
    if (which === 'request') this.needs.requestBody = true;
    else this.needs.responseBody = true;
  }

  string(element: PolicyElement, name: string): Evaluator<string> | undefined {
    const attribute = getAttribute(element, name);
    if (attribute === undefined) return undefined;
    return this.asString(this.resolve(attribute, `<${element.name}> ${name}`));
  }

  requiredString(element: PolicyElement, name: string): Evaluator<string> {
    const value = this.string(element, name);
    if (value === undefined) fail('MissingAttribute', `<${element.name}> needs the attribute '${name}'`, element);
    return value;
  }

  literal(element: PolicyElement, name: string): string | undefined {
    const attribute = getAttribute(element, name);
    if (attribute === undefined) return undefined;
    const resolved = this.resolve(attribute, `<${element.name}> ${name}`);
    if (resolved.kind === 'expression') fail('InvalidAttributeValue', `<${element.name}> attribute '${name}' cannot be an expression`, attribute);
    return resolved.text;
  }

  int(element: PolicyElement, name: string, fallback?: number): Evaluator<number> | undefined {
    const attribute = getAttribute(element, name);
    if (attribute === undefined) return fallback === undefined ? undefined : constant(fallback);
    const spec = this.specs.get(element)?.[name];
    const label = `<${element.name}> ${name}`;
    const resolved = this.resolve(attribute, label);
    const min = spec?.min ?? Number.MIN_SAFE_INTEGER;
    const max = spec?.max ?? Number.MAX_SAFE_INTEGER;
    if (resolved.kind === 'literal') {
      if (resolved.unresolved) return constant(0);
      const text = resolved.text.trim();
      const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        const range = spec?.min !== undefined || spec?.max !== undefined ? ` between ${min} and ${max}` : '';
        fail('InvalidAttributeValue', `${label} must be a whole number${range}, not '${resolved.text}'`, attribute);
      }
      return constant(value);
    }
    const evaluate = this.evaluator(resolved);
    return (ctx) => {
      const value = toInteger(evaluate(ctx), label);
      if (value < min || value > max) throw conversionFailure(`${label} must be between ${min} and ${max}, not ${value}.`);
      return value;
    };
  }

  bool(element: PolicyElement, name: string, fallback: boolean): Evaluator<boolean> {
    const attribute = getAttribute(element, name);
    if (attribute === undefined) return constant(fallback);
    const label = `<${element.name}> ${name}`;
    const resolved = this.resolve(attribute, label, 'bool');
    if (resolved.kind === 'literal') {
      if (resolved.unresolved) return constant(fallback);
      const value = literalBool(resolved.text);
      if (value === undefined) fail('InvalidAttributeValue', `${label} must be 'true' or 'false', not '${resolved.text}'`, attribute);
      return constant(value);
    }
    const evaluate = this.evaluator(resolved);
    return (ctx) => toBoolean(evaluate(ctx), label);
  }

  choice<T extends string>(element: PolicyElement, name: string, values: readonly T[], fallback: T): T {
    const text = this.literal(element, name);
    if (text === undefined) return fallback;
    const lower = text.trim().toLowerCase();
    const match = values.find((v) => v.toLowerCase() === lower);
    if (match === undefined) {
      const attribute = getAttribute(element, name)!;
      fail('InvalidAttributeValue', `<${element.name}> ${name} must be one of ${values.map((v) => `'${v}'`).join(', ')}, not '${text}'`, attribute);
    }
    return match;
  }

  condition(element: PolicyElement, name: string): Evaluator<boolean> {
    const attribute = getAttribute(element, name);
    if (attribute === undefined) fail('MissingAttribute', `<${element.name}> needs the attribute '${name}'`, element);
    return this.bool(element, name, false);
  }

  value(node: PolicyValue, label: string): Evaluator<unknown> {
    const resolved = this.resolve(node, label);
    if (resolved.kind === 'literal') return constant(resolved.text);
    return this.evaluator(resolved);
  }

  text(element: PolicyElement, options: { trim?: boolean } = {}): Evaluator<string> | undefined {
    const texts: PolicyText[] = [];
    for (const child of element.children) {
      if (child.kind === 'element') fail('UnexpectedElement', `<${element.name}> cannot contain <${child.name}>; it takes text`, child);
      if (child.kind === 'text') texts.push(child);
    }
    const label = `<${element.name}>`;
    const significant = texts.filter((t) => t.isExpression || t.value.trim() !== '');
    if (significant.length === 0) return undefined;
    const expression = significant.find((t) => t.isExpression);
    if (expression !== undefined) {
      if (significant.length > 1) fail('UnexpectedText', `${label}: an expression must be the whole text`, significant.find((t) => t !== expression)!);
      return this.asString(this.resolve(expression, label));
    }
    const parts = texts.map((t) => this.resolve(t, label));
    if (parts.length === 1 && parts[0].kind === 'expression') return this.asString(parts[0]);
    if (parts.some((p) => p.kind === 'expression')) fail('UnexpectedText', `${label}: an expression must be the whole text`, element);
    const joined = parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
    return constant(options.trim === true ? joined.trim() : joined);
  }

  private resolve(node: PolicyValue, label: string, expectedType?: string): ResolvedValue {
    const resolved = resolveValue(node, { namedValues: this.namedValues, expectedType, label });
    if (resolved.kind === 'expression') this.noteBodyUse(resolved.source);
    return resolved;
  }

  private asString(resolved: ResolvedValue): Evaluator<string> {
    if (resolved.kind === 'literal') return constant(resolved.text);
    const evaluate = this.evaluator(resolved);
    return (ctx) => toPolicyString(evaluate(ctx));
  }

  private evaluator(resolved: ResolvedValue & { kind: 'expression' }): Evaluator<unknown> {
    const compiled = resolved.compiled;
    if (compiled === null) return deferred;
    const expressions = this.expressions;
    return (ctx) => compiled.evaluate(expressionContextOf(ctx, expressions));
  }

  /**
   * Bodies are streams; an expression reads them synchronously, so a section whose
   * expressions may read one gets it buffered first. Decided from the source text: a
   * false positive costs a buffer, a false negative would read nothing.
   */
  private noteBodyUse(source: string): void {
    if (!/\bBody\b/.test(source)) return;
    const request = source.includes('Request.Body');
    const response = source.includes('Response.Body');
    if (request) this.needs.requestBody = true;
    if (response) this.needs.responseBody = true;
    if (!request && !response && !source.includes('IResponse')) this.needBody(this.target);
  }
}

function literalBool(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}
