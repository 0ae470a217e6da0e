import { resourcePath } from '../addresses.js';
import { KIND_RULES } from '../rules/index.js';
import type { ResourceView } from '../service.js';

/** APIM's resource envelope. */
export interface ResourceEnvelope {
  id: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
}

/**
 * Wraps a resource in APIM's envelope. `armPrefix` is the
 * `/subscriptions/…/service/{name}` prefix when the request used it ('' otherwise):
 * ids and reference properties then carry it, as APIM's do.
 */
export function toEnvelope(view: ResourceView, type: string, armPrefix: string, path = resourcePath(view)): ResourceEnvelope {
  const properties = { ...view.properties };
  for (const field of KIND_RULES[view.kind].referenceFields ?? []) {
    const value = properties[field];
    if (armPrefix && typeof value === 'string' && value.startsWith('/')) properties[field] = `${armPrefix}${value}`;
  }
  return { id: `${armPrefix}/${path}`, type, name: view.id, properties };
}
