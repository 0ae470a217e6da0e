/**
 * `<authentication-basic username="…" password="…"/>`: the backend request carries
 * `Authorization: Basic base64(username:password)`, replacing any the client sent.
 * Literal credentials (named values included) are encoded once, at compile time.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';

export const authenticationBasicPolicy: PolicyDefinition = {
  name: 'authentication-basic',
  sections: ['inbound'],
  attributes: { username: { required: true }, password: { required: true } },
  compile(element, c) {
    c.children(element, []);
    const username = c.requiredString(element, 'username');
    const password = c.requiredString(element, 'password');
    const fixedUser = constantOf(username)?.value;
    const fixedPassword = constantOf(password)?.value;
    if (fixedUser !== undefined && fixedPassword !== undefined) {
      if (fixedUser.includes(':')) c.fail('InvalidAttributeValue', '<authentication-basic> username may not contain ":"', element);
      const header = basicHeader(fixedUser, fixedPassword);
      return (ctx) => {
        ctx.forwardHeaders.authorization = header;
      };
    }
    return (ctx) => {
      ctx.forwardHeaders.authorization = basicHeader(username(ctx), password(ctx));
    };
  },
};

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
