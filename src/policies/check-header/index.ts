/**
 * `<check-header name="…" failed-check-httpcode="401" failed-check-error-message="…"
 * ignore-case="true"><value>…</value></check-header>`: the request must carry the header
 * (with one of the listed values, when any are listed), else the request fails with the
 * given status and message.
 */
import type { PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';

export const checkHeaderPolicy: PolicyDefinition = {
  name: 'check-header',
  sections: ['inbound'],
  attributes: {
    name: { required: true },
    'failed-check-httpcode': { required: true, type: 'int', min: 100, max: 599 },
    'failed-check-error-message': { required: true },
    'ignore-case': { required: true, type: 'bool' },
  },
  compile(element, c) {
    const name = c.requiredString(element, 'name');
    const status = c.int(element, 'failed-check-httpcode')!;
    const message = c.requiredString(element, 'failed-check-error-message');
    const ignoreCase = c.bool(element, 'ignore-case', false);
    const values = c.children(element, ['value']).map((value) => c.text(value, { trim: true }) ?? (() => ''));

    const fixedName = constantOf(name)?.value.toLowerCase();
    const fixedFold = constantOf(ignoreCase)?.value;
    const fixedValues = values.every((v) => constantOf(v) !== undefined) && fixedFold !== undefined
      ? values.map((v) => (fixedFold ? constantOf(v)!.value.toLowerCase() : constantOf(v)!.value))
      : undefined;
    const fixedStatus = constantOf(status)?.value;
    const fixedMessage = constantOf(message)?.value;
    const fixedFailure = fixedStatus !== undefined && fixedMessage !== undefined ? new PolicyFailure(fixedStatus, 'HeaderCheckFailed', fixedMessage) : undefined;

    return (ctx) => {
      const present = ctx.forwardHeaders[fixedName ?? name(ctx).toLowerCase()];
      const fold = fixedFold ?? ignoreCase(ctx);
      const allowed = fixedValues ?? values.map((value) => (fold ? value(ctx).toLowerCase() : value(ctx)));
      const actual = present === undefined ? [] : Array.isArray(present) ? present : [present];
      const ok = actual.length > 0 && (allowed.length === 0 || actual.some((v) => allowed.includes(fold ? v.trim().toLowerCase() : v.trim())));
      if (!ok) throw fixedFailure ?? new PolicyFailure(status(ctx), 'HeaderCheckFailed', message(ctx));
    };
  },
};
