import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Small builders over TypeBox. A `Type.Union` of literals compiles to `anyOf`, which
 * makes ajv report three errors for one wrong value; a plain `enum` (and a `type` array
 * for nullable fields) reports exactly one, naming the field and what was expected.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** `T | null`: APIM uses null for "unlimited"/"unset" on a few fields. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const base = schema as unknown as { type?: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [base.type ?? 'string', 'null'] });
}

/** Strict object: unknown fields are refused (and named) by validation. */
export function StrictObject<T extends Parameters<typeof Type.Object>[0]>(properties: T, options: SchemaOptions = {}) {
  return Type.Object(properties, { ...options, additionalProperties: false });
}
