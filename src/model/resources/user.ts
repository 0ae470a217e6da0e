import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const USER_STATES = ['active', 'blocked', 'pending', 'deleted'] as const;

export const UserPropertiesSchema = StrictObject(
  {
    email: Type.String({ minLength: 1, maxLength: 254, format: 'email', description: 'Email address; unique among users.' }),
    firstName: Type.String({ minLength: 1, maxLength: 100, description: 'First name.' }),
    lastName: Type.String({ minLength: 1, maxLength: 100, description: 'Last name.' }),
    state: Type.Optional(StringEnum(USER_STATES, { default: 'active', description: 'Account state; blocked users cannot call APIs.' })),
    note: Type.Optional(Type.String({ description: 'Optional note about the user set by an administrator.' })),
    identities: Type.Optional(
      Type.Array(
        StrictObject(
          {
            provider: Type.Optional(Type.String({ description: 'Identity provider name.' })),
            id: Type.Optional(Type.String({ description: 'Identifier value within the provider.' })),
          },
          { description: 'One identity of the user.' },
        ),
        { description: 'Collection of the user identities.' },
      ),
    ),
    registrationDate: Type.Optional(Type.String({ format: 'date-time', description: 'Registration date (ISO 8601).' })),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'Write-only password; stored as a salted hash, never returned.' }),
    ),
    appType: Type.Optional(
      StringEnum(['portal', 'developerPortal'] as const, { description: 'Which application sends the notification (accepted, unused).' }),
    ),
    confirmation: Type.Optional(
      StringEnum(['signup', 'invite'] as const, { description: 'Type of confirmation email to send (accepted, unused).' }),
    ),
  },
  { description: 'Properties of a user (APIM UserCreateParameterProperties).' },
);

export type UserProperties = Static<typeof UserPropertiesSchema>;

export const USER_READ_ONLY = ['groups'] as const;
