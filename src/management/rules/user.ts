import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { ValidationError } from '../../model/errors.js';
import type { UserProperties } from '../../model/resources/index.js';
import { deleteOrRefuseSubscriptions } from './owned-subscriptions.js';
import { listAll } from './references.js';
import type { KindRules } from './types.js';

function scrypt(password: string, salt: Buffer, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

const EMAIL_UNIQUE = 'userEmail:';

/** Write-only: kept as `scrypt$<salt>$<hash>` in the resource's secrets, for the portal's sign-in later. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export const userRules: KindRules = {
  async prepare(input, ctx) {
    const { password, ...properties } = input as UserProperties;
    properties.registrationDate ??= (ctx.existing?.properties.registrationDate as string | undefined) ?? new Date().toISOString();
    const secrets: Record<string, string> = {};
    const passwordHash = password !== undefined ? await hashPassword(password) : ctx.existing?.secrets.passwordHash;
    if (passwordHash !== undefined) secrets.passwordHash = passwordHash;
    return { properties, secrets, uniques: [`${EMAIL_UNIQUE}${properties.email.toLowerCase()}`] };
  },

  uniqueViolation(violation, _prepared, target) {
    if (!violation.value.startsWith(EMAIL_UNIQUE)) return violation;
    const message = 'Another user already has this email address.';
    return new ValidationError(`${target}.email: ${message}`, [{ code: 'DuplicateEmail', target: `${target}.email`, message }]);
  },

  async beforeDelete(ctx) {
    await deleteOrRefuseSubscriptions(ctx, 'ownerId', `/users/${ctx.key.id}`, `User '${ctx.key.id}'`);
    for (const membership of await listAll(ctx.tx, 'groupUser')) {
      if (membership.id === ctx.key.id) await ctx.tx.delete({ kind: 'groupUser', parent: membership.parent, id: membership.id });
    }
  },
};
