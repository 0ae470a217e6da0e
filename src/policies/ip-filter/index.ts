/**
 * `<ip-filter action="allow|forbid"><address>…</address><address-range from="…" to="…"/></ip-filter>`:
 * filters callers by address (IPv4 and IPv6); a refused caller gets 403 "Forbidden".
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { AddressList } from './address-list.js';

// Shared: a refusal carries no per-request data, and a flood of them should cost nothing extra.
const NOT_ALLOWED = new PolicyFailure(403, 'CallerIpNotAllowed', 'Forbidden');
const BLOCKED = new PolicyFailure(403, 'CallerIpBlocked', 'Forbidden');

export const ipFilterPolicy: PolicyDefinition = {
  name: 'ip-filter',
  sections: ['inbound'],
  attributes: { action: { required: true, type: 'enum', values: ['allow', 'forbid'], expression: false } },
  compile(element, c) {
    const action = c.choice(element, 'action', ['allow', 'forbid'], 'allow');
    const list = new AddressList();
    for (const child of c.children(element, ['address', 'address-range'])) {
      let problem: string | null;
      if (child.name === 'address') {
        c.checkAttributes(child, {});
        const text = c.text(child, { trim: true });
        const address = text === undefined ? undefined : constantOf(text)?.value;
        if (address === undefined) return c.fail('InvalidAttributeValue', '<address> must hold a literal IP address', child);
        problem = list.addAddress(address);
      } else {
        c.checkAttributes(child, { from: { required: true, expression: false }, to: { required: true, expression: false } });
        c.children(child, []);
        problem = list.addRange(c.literal(child, 'from')!.trim(), c.literal(child, 'to')!.trim());
      }
      if (problem !== null) c.fail('InvalidAttributeValue', `<${child.name}>: ${problem}`, child);
    }
    if (action === 'allow') {
      return (ctx) => {
        if (!list.has(ctx.clientIp)) throw NOT_ALLOWED;
      };
    }
    return (ctx) => {
      if (list.has(ctx.clientIp)) throw BLOCKED;
    };
  },
};
