/**
 * A test-only user policy, `<worker-pid/>` in outbound: stamps the gateway process id on the
 * response, so a test can see which cluster worker served a request. (A user policy rather
 * than a product header: the product never tells clients about its processes.)
 */
import { responseForWrite, type PolicyDefinition } from '../../src/policies/index.js';

export const policy: PolicyDefinition = {
  name: 'worker-pid',
  sections: ['outbound'],
  attributes: {},
  compile(element, c) {
    c.children(element, []);
    const pid = String(process.pid);
    return (ctx) => {
      responseForWrite(ctx).headers['x-worker-pid'] = pid;
    };
  },
};
