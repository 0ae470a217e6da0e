import { ValidationError } from '../../model/errors.js';
import { GATEWAY_KEY_TYPES, type GatewayKeyType } from '../../model/resources/index.js';
import { jsonTypeOf } from '../../model/validate.js';

/** The bodies of the gateway key actions (APIM GatewayKeyRegenerationRequestContract, GatewayTokenRequestContract). */

const MAX_WAIT_SECONDS = 60;

function bodyObject(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object.', [
      { code: 'InvalidType', target: 'body', message: `Expected object, got ${jsonTypeOf(body)}.` },
    ]);
  }
  const unknown = Object.keys(body).filter((field) => !allowed.includes(field));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown field '${unknown[0]}' in the request body; expected ${allowed.join(', ')}.`, [
      ...unknown.map((field) => ({ code: 'UnknownField', target: field, message: `Unknown field '${field}'.` })),
    ]);
  }
  return body as Record<string, unknown>;
}

function keyTypeOf(value: unknown, required: boolean): GatewayKeyType {
  if (value === undefined && !required) return 'primary';
  if (typeof value !== 'string' || !(GATEWAY_KEY_TYPES as readonly string[]).includes(value)) {
    const message = `keyType must be 'primary' or 'secondary'${value === undefined ? '' : `, got ${JSON.stringify(value)}`}.`;
    throw new ValidationError(message, [{ code: 'InvalidKeyType', target: 'keyType', message }]);
  }
  return value as GatewayKeyType;
}

/** `{"keyType":"primary"|"secondary"}`; required, as in APIM. */
export function regenerateKeyBody(body: unknown): GatewayKeyType {
  return keyTypeOf(bodyObject(body, ['keyType']).keyType, true);
}

/** `{"keyType":"primary"|"secondary","expiry":"<ISO 8601>"}`; keyType defaults to primary, as in APIM. */
export function generateTokenBody(body: unknown): { keyType: GatewayKeyType; expiry: Date } {
  const fields = bodyObject(body, ['keyType', 'expiry']);
  const keyType = keyTypeOf(fields.keyType, false);
  const raw = fields.expiry;
  // An ISO 8601 date-time with a zone, as APIM documents it; Date.parse alone would take local-time forms.
  const expiry = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? new Date(raw) : undefined;
  if (expiry === undefined || Number.isNaN(expiry.getTime())) {
    const message = `expiry must be an ISO 8601 date-time with a time zone, e.g. '2030-01-31T12:00:00Z'${raw === undefined ? '' : `, got ${JSON.stringify(raw)}`}.`;
    throw new ValidationError(message, [{ code: 'InvalidExpiry', target: 'expiry', message }]);
  }
  return { keyType, expiry };
}

/** `?waitSeconds=N` of the configuration pull: 0 (answer at once) to 60. */
export function waitSecondsOf(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > MAX_WAIT_SECONDS) {
    const message = `waitSeconds must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}, got '${raw}'.`;
    throw new ValidationError(message, [{ code: 'InvalidQueryParameter', target: 'waitSeconds', message }]);
  }
  return Number(raw);
}

/** The revision named by If-None-Match (`"12"`, `W/"12"` or `12`); '*' names whatever is current. */
export function knownRevisionOf(header: string | string[] | undefined, current: number | undefined): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  if (value === '*') return current;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  return match ? Number(match[1]) : undefined;
}
