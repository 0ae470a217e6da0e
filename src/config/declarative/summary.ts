import type { ResourceKind } from '../../model/kinds.js';
import type { DeclaredResource } from './types.js';

const LABELS: Partial<Record<ResourceKind, string>> = {
  api: 'apis',
  operation: 'operations',
  apiSchema: 'API schemas',
  product: 'products',
  subscription: 'subscriptions',
  backend: 'backends',
  namedValue: 'named values',
  policy: 'policies',
  policyFragment: 'policy fragments',
  user: 'users',
  group: 'groups',
  apiVersionSet: 'version sets',
  tag: 'tags',
  certificate: 'certificates',
};

/** `2 apis, 5 operations, 1 product…` for `validate`'s OK line; links between resources are not counted. */
export function summarizeResources(resources: readonly DeclaredResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) {
    const label = LABELS[resource.kind];
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  if (counts.size === 0) return 'no resources';
  return [...counts].map(([label, count]) => `${count} ${count === 1 ? singular(label) : label}`).join(', ');
}

function singular(label: string): string {
  return label === 'policies' ? 'policy' : label.replace(/s$/, '');
}
