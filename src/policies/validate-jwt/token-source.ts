/**
 * Where the token comes from: a header (with an optional required scheme), a query
 * parameter, or an expression. Exactly one is configured; the choice and any literal name are
 * settled at compile time.
 */
import type { PolicyContext } from '../contract/context.js';
import { constantOf, type Evaluator } from '../engine/definition.js';
import { findQueryParameter } from '../http/query.js';
import { rejectNotPresent } from './failure.js';

/** Longer than any token an identity provider issues; refused before any decoding. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

export type TokenReader = (ctx: PolicyContext) => string;

export function headerToken(name: Evaluator<string>, requireScheme: Evaluator<string> | undefined): TokenReader {
  const fixedName = constantOf(name)?.value.toLowerCase();
  const fixedScheme = requireScheme === undefined ? undefined : constantOf(requireScheme)?.value;
  return (ctx) => {
    const lower = fixedName ?? name(ctx).toLowerCase();
    const raw = ctx.forwardHeaders[lower];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
    if (value === '') rejectNotPresent();
    const space = value.search(/\s/);
    const scheme = space === -1 ? undefined : value.slice(0, space);
    const token = space === -1 ? value : value.slice(space).trim();
    // APIM checks the scheme only in the Authorization header; elsewhere it is ignored.
    if (requireScheme !== undefined && lower === 'authorization') {
      const wanted = fixedScheme ?? requireScheme(ctx);
      if (scheme === undefined || scheme.toLowerCase() !== wanted.trim().toLowerCase()) rejectNotPresent();
    }
    if (token === '') rejectNotPresent();
    return token;
  };
}

export function queryToken(name: Evaluator<string>): TokenReader {
  const fixedName = constantOf(name)?.value;
  return (ctx) => {
    const value = findQueryParameter(ctx.query, fixedName ?? name(ctx))?.trim() ?? '';
    if (value === '') rejectNotPresent();
    return value;
  };
}

export function valueToken(value: Evaluator<string>): TokenReader {
  return (ctx) => {
    const token = value(ctx).trim();
    if (token === '') rejectNotPresent();
    return token;
  };
}
