import { generateGatewayKey, sealGatewayKeys } from '../gateway-keys.js';
import type { KindRules, WriteContext } from './types.js';

/**
 * A gateway's keys are generated when it is created and kept across PUT and PATCH (only
 * `regenerateKey` changes them); a replace must not silently invalidate every token.
 */
export const gatewayRules: KindRules = {
  async prepare(properties, ctx: WriteContext) {
    const existing = ctx.existing?.secrets;
    if (existing?.primary !== undefined && existing.secondary !== undefined) {
      return { properties, secrets: { primary: existing.primary, secondary: existing.secondary } };
    }
    return { properties, secrets: sealGatewayKeys(ctx.keyring, ctx.key.id, { primary: generateGatewayKey(), secondary: generateGatewayKey() }) };
  },
};
