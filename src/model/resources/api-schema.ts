import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

/** The content types APIM uses for an API schema's document. */
export const API_SCHEMA_CONTENT_TYPES = {
  swaggerDefinitions: 'application/vnd.ms-azure-apim.swagger.definitions+json',
  openApiComponents: 'application/vnd.oai.openapi.components+json',
} as const;

const SchemaDocumentSchema = StrictObject(
  {
    value: Type.Optional(
      Type.String({ maxLength: 4 * 1024 * 1024, description: 'The document as text, for schemas other than Swagger/OpenAPI (XSD, WADL…).' }),
    ),
    definitions: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Swagger 2 type definitions by name (the `definitions` object).' }),
    ),
    components: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'OpenAPI 3 components (`schemas` holds the types by name).' }),
    ),
  },
  { description: 'The schema document (APIM SchemaDocumentProperties).' },
);

export const ApiSchemaPropertiesSchema = StrictObject(
  {
    contentType: Type.String({
      minLength: 1,
      maxLength: 200,
      description: `Media type of the document: '${API_SCHEMA_CONTENT_TYPES.openApiComponents}' or '${API_SCHEMA_CONTENT_TYPES.swaggerDefinitions}' for JSON schemas that mock-response reads.`,
    }),
    document: SchemaDocumentSchema,
  },
  {
    description:
      "Properties of an API schema (APIM SchemaContractProperties): types that operations' representations name by schemaId and typeName.",
  },
);

export type ApiSchemaProperties = Static<typeof ApiSchemaPropertiesSchema>;

export const API_SCHEMA_READ_ONLY = ['provisioningState'] as const;
