import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

const ParameterExampleSchema = StrictObject(
  {
    summary: Type.Optional(Type.String({ description: 'Short description of the example.' })),
    description: Type.Optional(Type.String({ description: 'Long description of the example.' })),
    value: Type.Optional(Type.Unknown({ description: 'Example value (any JSON).' })),
    externalValue: Type.Optional(Type.String({ description: 'URL pointing to a literal example.' })),
  },
  { description: 'An example value for a parameter or representation.' },
);

const ExamplesSchema = Type.Record(Type.String(), ParameterExampleSchema, { description: 'Examples keyed by name.' });

export const ParameterSchema = StrictObject(
  {
    name: Type.String({ minLength: 1, description: 'Parameter name.' }),
    description: Type.Optional(Type.String({ description: 'Parameter description.' })),
    type: Type.String({ minLength: 1, description: "Parameter type, e.g. 'string', 'integer'." }),
    defaultValue: Type.Optional(Type.String({ description: 'Default parameter value.' })),
    required: Type.Optional(Type.Boolean({ description: 'Whether the parameter is required.' })),
    values: Type.Optional(Type.Array(Type.String(), { description: 'Allowed parameter values.' })),
    schemaId: Type.Optional(Type.String({ description: 'Schema identifier.' })),
    typeName: Type.Optional(Type.String({ description: 'Type name defined by the schema.' })),
    examples: Type.Optional(ExamplesSchema),
  },
  { description: 'A template, query or header parameter of an operation.' },
);

export type OperationParameter = Static<typeof ParameterSchema>;

const RepresentationSchema = StrictObject(
  {
    contentType: Type.String({ minLength: 1, description: "Media type of this representation, e.g. 'application/json'." }),
    schemaId: Type.Optional(Type.String({ description: 'Schema identifier.' })),
    typeName: Type.Optional(Type.String({ description: 'Type name defined by the schema.' })),
    formParameters: Type.Optional(Type.Array(ParameterSchema, { description: 'Form parameters (form content types only).' })),
    examples: Type.Optional(ExamplesSchema),
  },
  { description: 'A request or response body representation.' },
);

const RequestSchema = StrictObject(
  {
    description: Type.Optional(Type.String({ description: 'Operation request description.' })),
    queryParameters: Type.Optional(Type.Array(ParameterSchema, { description: 'Operation request query parameters.' })),
    headers: Type.Optional(Type.Array(ParameterSchema, { description: 'Operation request headers.' })),
    representations: Type.Optional(Type.Array(RepresentationSchema, { description: 'Operation request representations.' })),
  },
  { description: 'Description of the operation request.' },
);

const ResponseSchema = StrictObject(
  {
    statusCode: Type.Integer({ minimum: 100, maximum: 599, description: 'HTTP status code of the response.' }),
    description: Type.Optional(Type.String({ description: 'Operation response description.' })),
    representations: Type.Optional(Type.Array(RepresentationSchema, { description: 'Operation response representations.' })),
    headers: Type.Optional(Type.Array(ParameterSchema, { description: 'Operation response headers.' })),
  },
  { description: 'One documented response of the operation.' },
);

export const OperationPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'Operation name; defaults to the operation id.' }),
    ),
    method: Type.String({ minLength: 1, maxLength: 64, description: 'HTTP method of the operation (any valid token).' }),
    urlTemplate: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: "Relative URL template of the operation, e.g. '/customers/{cid}/orders/{oid}/?date={date}'.",
    }),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Description of the operation; may include HTML.' })),
    templateParameters: Type.Optional(
      Type.Array(ParameterSchema, {
        description: 'URL template parameters; Portico fills in string parameters the template names but this omits.',
      }),
    ),
    request: Type.Optional(RequestSchema),
    responses: Type.Optional(Type.Array(ResponseSchema, { description: 'Documented responses (also used by mock-response).' })),
    policies: Type.Optional(Type.String({ description: 'Operation policies (deprecated APIM field; use the policy resource).' })),
    backendId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Portico extension: id of the backend that serves this operation (shorthand for set-backend-service backend-id).',
      }),
    ),
  },
  { description: 'Properties of an API operation (APIM OperationContractProperties).' },
);

export type OperationProperties = Static<typeof OperationPropertiesSchema>;
