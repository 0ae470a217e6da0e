import type { PolicyProperties } from '../../model/resources/index.js';
import { POLICY_ID } from '../addresses.js';
import { invalidField } from './references.js';
import type { KindRules, WriteContext } from './types.js';

/**
 * A policy document must at least look like one: optional XML declaration and comments,
 * then a `<policies>` root. Full parsing and compiling (with line and column) is the
 * policies module's job and plugs in through the service's `checkPolicy` option.
 */
const POLICY_DOCUMENT_START = /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<policies[\s/>]/;

export const policyRules: KindRules = {
  async prepare(input, ctx: WriteContext) {
    const properties = input as PolicyProperties;
    const { target } = ctx;
    if (ctx.key.id !== POLICY_ID) {
      throw invalidField(`${target}.id`, 'InvalidPolicyId', `A policy's id is always '${POLICY_ID}', got '${ctx.key.id}'.`);
    }
    if (properties.format === 'xml-link' || properties.format === 'rawxml-link') {
      throw invalidField(`${target}.format`, 'NotSupported', "Policies fetched from a URL are not supported; use 'rawxml' or 'xml'.");
    }
    if (properties.value.trim() === '') throw invalidField(`${target}.value`, 'EmptyPolicy', 'The policy document is empty.');
    if (!POLICY_DOCUMENT_START.test(properties.value)) {
      throw invalidField(`${target}.value`, 'InvalidPolicy', "A policy document must start with '<policies>'.");
    }
    return { properties };
  },
};
