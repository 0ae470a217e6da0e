import { Type, type Static } from '@sinclair/typebox';
import { StrictObject } from './schema-helpers.js';

export const TagPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 160, description: 'Tag name; defaults to the tag id.' })),
  },
  { description: 'Properties of a tag (APIM TagContractProperties).' },
);

export type TagProperties = Static<typeof TagPropertiesSchema>;
