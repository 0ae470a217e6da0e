import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

/** APIM's formats; the `-link` ones (policy fetched from a URL) are refused by the service. */
export const POLICY_FORMATS = ['xml', 'rawxml', 'xml-link', 'rawxml-link'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

export const PolicyPropertiesSchema = StrictObject(
  {
    value: Type.String({ minLength: 1, description: 'The policy document: <policies>…</policies>.' }),
    format: Type.Optional(
      StringEnum(POLICY_FORMATS, {
        default: 'xml',
        description: "'rawxml': expressions as written; 'xml': expressions entity-escaped. Returned in the format saved.",
      }),
    ),
  },
  { description: 'Properties of a policy (APIM PolicyContractProperties).' },
);

export type PolicyProperties = Static<typeof PolicyPropertiesSchema>;
