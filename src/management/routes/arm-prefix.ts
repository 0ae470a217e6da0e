import type { IncomingMessage } from 'node:http';
import { ARM_PREFIX_PATTERN } from '../addresses.js';

/**
 * The Azure SDK addresses everything under
 * `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}`.
 * Fastify's `rewriteUrl` strips that prefix before routing (so one route table serves
 * both forms) and remembers it per request, so responses can echo ARM ids back. The
 * short `/subscriptions/{sid}` resource never matches: the pattern needs the whole prefix.
 */
const prefixes = new WeakMap<IncomingMessage, string>();

export function rewriteArmUrl(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const match = ARM_PREFIX_PATTERN.exec(url);
  if (!match) return url;
  prefixes.set(request, match[0]);
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The ARM prefix the request came with, '' for a short path. */
export function armPrefixOf(request: IncomingMessage): string {
  return prefixes.get(request) ?? '';
}
