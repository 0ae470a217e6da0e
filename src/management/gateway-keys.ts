import { randomBytes } from 'node:crypto';
import type { GatewayKeyType } from '../model/resources/index.js';
import type { StoredResource } from '../store/types.js';
import type { GatewayKeys } from './gateway-tokens.js';
import type { ManagementKeyring } from './rules/types.js';

/**
 * A gateway's two keys at rest: each sealed with the keyring, the AAD binding it to this
 * gateway and slot (like subscription keys). GET never shows them; `listKeys` opens them.
 */
export const GATEWAY_KEY_TYPES_IN_ORDER: readonly GatewayKeyType[] = ['primary', 'secondary'];

/** 64 random bytes, base64: APIM's gateway keys have this shape. */
export function generateGatewayKey(): string {
  return randomBytes(64).toString('base64');
}

function keyAad(gatewayId: string, slot: GatewayKeyType): string {
  return `gateway/${gatewayId}/${slot}Key`;
}

export function sealGatewayKeys(keyring: ManagementKeyring, gatewayId: string, keys: GatewayKeys): Record<string, string> {
  return { primary: keyring.encrypt(keys.primary, keyAad(gatewayId, 'primary')), secondary: keyring.encrypt(keys.secondary, keyAad(gatewayId, 'secondary')) };
}

export function openGatewayKeys(keyring: ManagementKeyring, stored: StoredResource): GatewayKeys {
  return {
    primary: keyring.decrypt(stored.secrets.primary, keyAad(stored.id, 'primary')),
    secondary: keyring.decrypt(stored.secrets.secondary, keyAad(stored.id, 'secondary')),
  };
}
