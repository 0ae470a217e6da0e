/**
 * An example user policy (see docs/policies.md):
 *
 *   <require-api-version header="api-version" supported="2024-01-01, 2024-06-01" />
 *
 * refuses requests whose version header is missing or not listed with 400, before any
 * backend is called. Everything that can be decided once (the list, the header name) is
 * decided in compile(); the step only looks the header up.
 */
import { PolicyFailure, type PolicyDefinition } from '../../../src/policies/index.js';

export const policy: PolicyDefinition = {
  name: 'require-api-version',
  sections: ['inbound'],
  attributes: {
    header: { expression: false },
    supported: { required: true, expression: false },
  },
  compile(element, c) {
    c.children(element, []);
    const header = (c.literal(element, 'header') ?? 'api-version').toLowerCase();
    const supported = new Set(
      c
        .literal(element, 'supported')!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
    if (supported.size === 0) c.fail('InvalidAttributeValue', '<require-api-version> supported must list at least one version', element);
    const missing = new PolicyFailure(400, 'ApiVersionMissing', `The '${header}' header is required.`);
    const unsupported = new PolicyFailure(400, 'ApiVersionUnsupported', `Supported versions: ${[...supported].join(', ')}.`);
    return (ctx) => {
      const value = ctx.forwardHeaders[header];
      if (value === undefined) throw missing;
      if (typeof value !== 'string' || !supported.has(value.trim())) throw unsupported;
    };
  },
};
