import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const GROUP_TYPES = ['custom', 'system', 'external'] as const;

export const GroupPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Group name; defaults to the group id.' })),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'Group description; may include HTML.' })),
    type: Type.Optional(StringEnum(GROUP_TYPES, { default: 'custom', description: 'Group type.' })),
    externalId: Type.Optional(Type.String({ description: 'Identifier of an external group (e.g. an Entra group), for external groups.' })),
  },
  { description: 'Properties of a group (APIM GroupCreateParametersProperties).' },
);

export type GroupProperties = Static<typeof GroupPropertiesSchema>;

export const GROUP_READ_ONLY = ['builtIn'] as const;
