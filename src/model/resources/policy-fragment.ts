import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

/** APIM's fragment formats (PolicyFragmentContentFormat); unlike policies, fragments have no `-link` forms. */
export const POLICY_FRAGMENT_FORMATS = ['xml', 'rawxml'] as const;
export type PolicyFragmentFormat = (typeof POLICY_FRAGMENT_FORMATS)[number];

export const PolicyFragmentPropertiesSchema = StrictObject(
  {
    value: Type.String({ minLength: 1, description: 'The fragment document: <fragment>…</fragment>, included by <include-fragment fragment-id="…"/>.' }),
    format: Type.Optional(
      StringEnum(POLICY_FRAGMENT_FORMATS, {
        default: 'xml',
        description: "'rawxml': expressions as written; 'xml': expressions entity-escaped. Returned in the format saved.",
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 1000, description: 'What the fragment does, for people reading the list.' })),
  },
  { description: 'Properties of a policy fragment (APIM PolicyFragmentContractProperties).' },
);

export type PolicyFragmentProperties = Static<typeof PolicyFragmentPropertiesSchema>;

export const POLICY_FRAGMENT_READ_ONLY = ['provisioningState'] as const;
