import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { ValidationError, type ErrorDetail } from './errors.js';
import type { ResourceKind } from './kinds.js';
import { RESOURCE_MODELS, type ResourcePropertiesByKind } from './resources/index.js';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin.
const addFormats = formatsModule.default;

/**
 * One ajv instance for every resource schema. `useDefaults` fills APIM's defaults in
 * place (on a clone), `allErrors` so a client sees every problem at once, and no type
 * coercion: a string where a boolean belongs is an error, as in APIM.
 */
const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, strict: true });
addFormats(ajv, ['date-time', 'email', 'uri']);

const compiled = new Map<ResourceKind, ValidateFunction>();

function validatorFor(kind: ResourceKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    validate = ajv.compile(RESOURCE_MODELS[kind].schema);
    compiled.set(kind, validate);
  }
  return validate;
}

export interface ValidatePropertiesOptions {
  /** The resource id: fields APIM requires but Portico derives (displayName) default to it. */
  id?: string;
  /** Prefix of every error target: 'properties' for the REST API, the file path (e.g. 'apis.orders') for a declarative file. */
  target?: string;
}

/**
 * Validates a resource's `properties` against its kind's schema and returns a new
 * object with APIM's defaults applied. Read-only fields (which the Azure SDK echoes
 * back) are dropped; unknown fields and wrong types throw a ValidationError whose
 * details name each field.
 */
export function validateProperties<K extends ResourceKind>(
  kind: K,
  input: unknown,
  options: ValidatePropertiesOptions = {},
): ResourcePropertiesByKind[K] {
  const prefix = options.target ?? 'properties';
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(`${prefix} must be an object.`, [
      { code: 'InvalidType', target: prefix, message: `Expected object, got ${jsonTypeOf(input)}.` },
    ]);
  }
  const model = RESOURCE_MODELS[kind];
  const properties = structuredClone(input) as Record<string, unknown>;
  for (const field of model.readOnly) delete properties[field];
  if (options.id !== undefined) {
    for (const field of model.defaultToId) {
      if (properties[field] === undefined) properties[field] = options.id;
    }
  }
  const validate = validatorFor(kind);
  if (!validate(properties)) {
    const details = toDetails(validate.errors ?? [], prefix, properties);
    throw new ValidationError(`Invalid ${kind} properties. ${details.map((d) => `${d.target}: ${d.message}`).join(' ')}`, details);
  }
  return properties as ResourcePropertiesByKind[K];
}

function toDetails(errors: ErrorObject[], prefix: string, data: unknown): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const detail = toDetail(error, prefix, data);
    const key = `${detail.code}|${detail.target ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  return details;
}

function toDetail(error: ErrorObject, prefix: string, data: unknown): ErrorDetail {
  const path = joinPath(prefix, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return { code: 'UnknownField', target: `${path}.${field}`, message: `Unknown field '${field}'.` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { code: 'RequiredField', target: `${path}.${field}`, message: `'${field}' is required.` };
    }
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.join(' or ') : String(params.type);
      const actual = jsonTypeOf(valueAt(data, error.instancePath));
      return { code: 'InvalidType', target: path, message: `Expected ${expected}, got ${actual}.` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v)).join(', ');
      return { code: 'InvalidValue', target: path, message: `Must be one of: ${allowed}.` };
    }
    default:
      return { code: 'InvalidValue', target: path, message: `${capitalise(error.message ?? 'is invalid')}.` };
  }
}

/** '/templateParameters/0/name' → 'properties.templateParameters[0].name'. */
function joinPath(prefix: string, instancePath: string): string {
  let path = prefix;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return path;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let value = data;
  for (const raw of instancePath.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
