import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../model/errors.js';
import { jsonTypeOf } from '../../model/validate.js';
import { armPrefixOf } from './arm-prefix.js';

export type Query = Record<string, string | string[] | undefined>;
export type Params = Record<string, string>;

/** Page size when `$top` is absent, and the most a client may ask for. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const ENVELOPE_FIELDS = new Set(['id', 'type', 'name', 'properties']);

export function paramsOf(request: FastifyRequest): Params {
  return request.params as Params;
}

export function queryOf(request: FastifyRequest): Query {
  return request.query as Query;
}

export function armPrefix(request: FastifyRequest): string {
  return armPrefixOf(request.raw);
}

export function ifMatchOf(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(',') : header;
}

/** One query parameter (the first when repeated). */
export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function booleanQuery(query: Query, name: string): boolean {
  const value = queryValue(query, name);
  if (value === undefined) return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ValidationError(`${name} must be true or false.`, [{ code: 'InvalidQueryParameter', target: name, message: 'Expected true or false.' }]);
}

/**
 * The `properties` of an APIM envelope body. Unknown top-level fields are refused like
 * unknown properties (a typo such as `propertis` must not silently write an empty resource).
 */
export function propertiesOf(body: unknown): unknown {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object.', [
      { code: 'InvalidType', target: 'body', message: `Expected object, got ${jsonTypeOf(body)}.` },
    ]);
  }
  const unknown = Object.keys(body).filter((field) => !ENVELOPE_FIELDS.has(field));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown field '${unknown[0]}' in the request body; put resource fields under 'properties'.`, [
      ...unknown.map((field) => ({ code: 'UnknownField', target: field, message: `Unknown field '${field}'.` })),
    ]);
  }
  return (body as { properties?: unknown }).properties ?? {};
}

export interface Paging {
  top: number;
  skip: number;
}

/** `$top` / `$skip`, bounded; `$filter` is refused rather than silently ignored. */
export function pagingOf(query: Query): Paging {
  if (queryValue(query, '$filter') !== undefined) {
    throw new ValidationError('$filter is not supported.', [{ code: 'NotSupported', target: '$filter', message: '$filter is not supported.' }]);
  }
  const top = countParameter(query, '$top', DEFAULT_PAGE_SIZE);
  if (top < 1 || top > MAX_PAGE_SIZE) {
    throw new ValidationError(`$top must be between 1 and ${MAX_PAGE_SIZE}.`, [
      { code: 'InvalidQueryParameter', target: '$top', message: `Must be between 1 and ${MAX_PAGE_SIZE}.` },
    ]);
  }
  return { top, skip: countParameter(query, '$skip', 0) };
}

function countParameter(query: Query, name: string, fallback: number): number {
  const raw = queryValue(query, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) {
    throw new ValidationError(`${name} must be a non-negative integer.`, [
      { code: 'InvalidQueryParameter', target: name, message: `Expected a non-negative integer, got '${raw}'.` },
    ]);
  }
  return Number(raw);
}

/** APIM's absolute nextLink: the same request with `$skip` advanced. */
export function nextLinkOf(request: FastifyRequest, paging: Paging, returned: number, total: number): string | undefined {
  const nextSkip = paging.skip + returned;
  if (returned === 0 || nextSkip >= total) return undefined;
  // originalUrl keeps the ARM prefix, so the SDK can follow the link unchanged.
  const url = new URL(request.originalUrl, `${request.protocol}://${request.host}`);
  url.searchParams.set('$skip', String(nextSkip));
  url.searchParams.set('$top', String(paging.top));
  return url.toString();
}
