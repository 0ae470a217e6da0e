/**
 * One header change as set-header (and send-request's set-header) describe it: a name, an
 * exists-action and `<value>` children. Literal names and values are prepared once.
 */
import type { PolicyElement } from '../xml/index.js';
import { constantOf, type CompileContext, type Evaluator } from '../engine/definition.js';
import { applyHeader, EXISTS_ACTIONS, isGatewayOwnedHeader, isValidHeaderName, safeHeaderValue, type ExistsAction } from '../http/headers.js';
import type { PolicyContext } from '../contract/context.js';
import { PolicyFailure } from '../engine/failures.js';

export const HEADER_CHANGE_ATTRIBUTES = {
  name: { required: true },
  'exists-action': { type: 'enum', values: EXISTS_ACTIONS, expression: false },
} as const;

type HeaderRecord = Record<string, string | string[] | number | undefined>;

const NO_VALUES: readonly string[] = [];

/** Applies the change to a header record (request or response). */
export type HeaderChange = (ctx: PolicyContext, headers: HeaderRecord) => void;

export function compileHeaderChange(element: PolicyElement, c: CompileContext): HeaderChange {
  const action = c.choice(element, 'exists-action', EXISTS_ACTIONS, 'override');
  const name = c.requiredString(element, 'name');
  const values = c.children(element, ['value']).map((value) => c.text(value, { trim: true }) ?? (() => ''));
  const fixedName = constantOf(name);
  const lowerName = fixedName === undefined ? undefined : checkedName(fixedName.value, element, c);
  const fixedValues = constantValues(values);

  if (lowerName !== undefined && fixedValues !== undefined) {
    return (_ctx, headers) => applyHeader(headers, lowerName, fixedValues, action);
  }
  return (ctx, headers) => {
    const target = lowerName ?? runtimeName(name(ctx));
    // `skip` leaves a present header alone: its value expressions need not run (nor cost).
    if (action === 'skip' && headers[target] !== undefined) return;
    // `delete` never reads its values either.
    if (action === 'delete') return applyHeader(headers, target, NO_VALUES, action);
    const evaluated = fixedValues ?? (values.length === 1 ? [safeHeaderValue(values[0](ctx))] : values.map((value) => safeHeaderValue(value(ctx))));
    applyHeader(headers, target, evaluated, action);
  };
}

function checkedName(name: string, element: PolicyElement, c: CompileContext): string {
  if (!isValidHeaderName(name)) c.fail('InvalidAttributeValue', `<${element.name}> name '${name}' is not a valid header name`, element);
  const lower = name.toLowerCase();
  if (isGatewayOwnedHeader(lower)) {
    c.fail('InvalidAttributeValue', `<${element.name}> cannot set '${name}': the gateway sets it to match the message`, element);
  }
  return lower;
}

function runtimeName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (!isValidHeaderName(lower) || isGatewayOwnedHeader(lower)) {
    throw new PolicyFailure(500, 'InvalidHeaderName', 'A policy computed a header name that cannot be set.');
  }
  return lower;
}

function constantValues(values: readonly Evaluator<string>[]): readonly string[] | undefined {
  const fixed: string[] = [];
  for (const value of values) {
    const known = constantOf(value);
    if (known === undefined) return undefined;
    fixed.push(safeHeaderValue(known.value));
  }
  return fixed;
}

export type { ExistsAction };
