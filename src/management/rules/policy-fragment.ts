import { ConflictError } from '../../model/errors.js';
import type { PolicyFragmentProperties } from '../../model/resources/index.js';
import { resourcePath } from '../addresses.js';
import { fragmentIncluders } from '../policy-checks.js';
import { invalidField } from './references.js';
import type { DeleteContext, KindRules, WriteContext } from './types.js';

/**
 * A fragment must at least look like one: optional XML declaration and comments, then a
 * `<fragment>` root. Compiling it (with line and column) is the policies module's job,
 * plugged in through the service's `checkPolicyFragment` option.
 */
const FRAGMENT_DOCUMENT_START = /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<fragment[\s/>]/;

/** How many includers a refusal names before it says "…". */
const SHOWN_INCLUDERS = 5;

export const policyFragmentRules: KindRules = {
  async prepare(input, ctx: WriteContext) {
    const properties = input as PolicyFragmentProperties;
    const { target } = ctx;
    if (properties.value.trim() === '') throw invalidField(`${target}.value`, 'EmptyPolicyFragment', 'The policy fragment is empty.');
    if (!FRAGMENT_DOCUMENT_START.test(properties.value)) {
      throw invalidField(`${target}.value`, 'InvalidPolicyFragment', "A policy fragment must start with '<fragment>'.");
    }
    return { properties };
  },

  /** As APIM does: a fragment some policy still includes cannot go (the policy would stop compiling). */
  async beforeDelete(ctx: DeleteContext) {
    const includers = (await fragmentIncluders(ctx.tx, ctx.key.id)).map((key) => `'${resourcePath(key)}'`);
    if (includers.length === 0) return;
    const shown = includers.slice(0, SHOWN_INCLUDERS).join(', ') + (includers.length > SHOWN_INCLUDERS ? ', …' : '');
    throw new ConflictError(`Policy fragment '${ctx.key.id}' is still included by ${shown}.`, [
      { code: 'PolicyFragmentInUse', target: 'id', message: `Included by ${shown}.` },
    ]);
  },
};
