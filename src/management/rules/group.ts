import { listAll } from './references.js';
import type { KindRules } from './types.js';

export const groupRules: KindRules = {
  async prepare(properties) {
    return { properties };
  },
  render(stored) {
    return { ...stored.properties, builtIn: false };
  },
  async beforeDelete({ tx, key }) {
    for (const link of await listAll(tx, 'productGroup')) {
      if (link.id === key.id) await tx.delete({ kind: 'productGroup', parent: link.parent, id: link.id });
    }
  },
};
