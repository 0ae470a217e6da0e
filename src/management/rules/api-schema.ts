import { API_SCHEMA_CONTENT_TYPES } from '../../model/resources/api-schema.js';
import { invalidField } from './references.js';
import type { KindRules } from './types.js';

/**
 * An API schema's document must hold what its content type announces: the JSON types
 * mock-response reads are only found where they belong (OpenAPI `components.schemas`,
 * Swagger `definitions`), so a mismatch is refused rather than silently never used.
 */
export const apiSchemaRules: KindRules = {
  async prepare(properties, ctx) {
    const contentType = String(properties.contentType).toLowerCase();
    const document = (properties.document ?? {}) as Record<string, unknown>;
    const at = `${ctx.target}.document`;
    if (contentType === API_SCHEMA_CONTENT_TYPES.openApiComponents) {
      const schemas = (document.components as Record<string, unknown> | undefined)?.schemas;
      if (schemas === undefined || schemas === null || typeof schemas !== 'object' || Array.isArray(schemas)) {
        throw invalidField(`${at}.components.schemas`, 'InvalidSchemaDocument', 'An OpenAPI components schema needs an object of named types in components.schemas.');
      }
    } else if (contentType === API_SCHEMA_CONTENT_TYPES.swaggerDefinitions) {
      if (document.definitions === undefined) {
        throw invalidField(`${at}.definitions`, 'InvalidSchemaDocument', 'A Swagger definitions schema needs its named types in definitions.');
      }
    } else if (document.value === undefined) {
      throw invalidField(`${at}.value`, 'InvalidSchemaDocument', `A '${contentType}' schema needs its document as text in value.`);
    }
    return { properties };
  },
};
