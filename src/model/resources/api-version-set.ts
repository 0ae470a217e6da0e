import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const VERSIONING_SCHEMES = ['Segment', 'Query', 'Header'] as const;

export const ApiVersionSetPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Name of the version set; defaults to its id.' }),
    ),
    description: Type.Optional(Type.String({ description: 'Description of the version set.' })),
    versioningScheme: StringEnum(VERSIONING_SCHEMES, {
      description: "Where the version is read from: a path 'Segment', a 'Query' parameter or a 'Header'.",
    }),
    versionQueryName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "Query parameter holding the version (scheme 'Query')." }),
    ),
    versionHeaderName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "Header holding the version (scheme 'Header')." }),
    ),
  },
  { description: 'Properties of an API version set (APIM ApiVersionSetContractProperties).' },
);

export type ApiVersionSetProperties = Static<typeof ApiVersionSetPropertiesSchema>;
