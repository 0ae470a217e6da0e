import { ValidationError } from '../../model/errors.js';
import type { NamedValueProperties } from '../../model/resources/index.js';
import type { StoredResource } from '../../store/types.js';
import { invalidField } from './references.js';
import type { KindRules, ManagementKeyring, WriteContext } from './types.js';

/** Policies reference a named value as {{displayName}}, so the name is unique (case-insensitively). */
const NAME_UNIQUE = 'namedValueName:';

export function namedValueAad(id: string): string {
  return `namedValue/${id}/value`;
}

/** The value of a stored named value, secret or not. */
export function namedValueOf(keyring: ManagementKeyring, stored: StoredResource): string {
  if (stored.secrets.value !== undefined) return keyring.decrypt(stored.secrets.value, namedValueAad(stored.id));
  return (stored.properties.value as string | undefined) ?? '';
}

export const namedValueRules: KindRules = {
  async prepare(input, ctx: WriteContext) {
    const { value: given, ...properties } = input as NamedValueProperties;
    const { target, existing, keyring } = ctx;
    if (properties.keyVault !== undefined) {
      throw invalidField(`${target}.keyVault`, 'NotSupported', 'Key Vault references are not supported; set value instead.');
    }
    // Omitting the value keeps the current one (APIM's PATCH does; a secret one is never echoed for a PUT to resend).
    const value = given ?? (existing ? namedValueOf(keyring, existing) : undefined);
    if (value === undefined) throw invalidField(`${target}.value`, 'RequiredField', "'value' is required.");
    const uniques = [`${NAME_UNIQUE}${(properties.displayName ?? ctx.key.id).toLowerCase()}`];
    if (!properties.secret) return { properties: { ...properties, value }, uniques };

    const unchanged = existing?.secrets.value !== undefined && namedValueOf(keyring, existing) === value;
    const sealed = unchanged ? existing.secrets.value : keyring.encrypt(value, namedValueAad(ctx.key.id));
    return { properties, secrets: { value: sealed }, uniques };
  },

  render(stored) {
    return stored.properties.secret ? { ...stored.properties, value: null } : stored.properties;
  },

  uniqueViolation(violation, _prepared, target) {
    if (!violation.value.startsWith(NAME_UNIQUE)) return violation;
    const message = 'Another named value already has this displayName (policies refer to it as {{displayName}}).';
    return new ValidationError(`${target}.displayName: ${message}`, [{ code: 'DuplicateName', target: `${target}.displayName`, message }]);
  },
};
