/**
 * User policies: TypeScript (compiled) or JavaScript modules named in configuration, each
 * exporting `policy` (one PolicyDefinition) and/or `policies` (an array). Loaded once at
 * startup; a module that does not export a valid definition stops startup with its path.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../../model/errors.js';
import type { PolicyDefinition } from './definition.js';

export async function loadPolicyModules(specifiers: readonly string[], baseDir: string): Promise<PolicyDefinition[]> {
  const loaded: PolicyDefinition[] = [];
  for (const specifier of specifiers) {
    const url = specifier.startsWith('.') || isAbsolute(specifier) ? pathToFileURL(resolve(baseDir, specifier)).href : specifier;
    let exports: Record<string, unknown>;
    try {
      exports = (await import(url)) as Record<string, unknown>;
    } catch (error) {
      throw new ValidationError(`Policy module '${specifier}' could not be loaded: ${(error as Error).message}`);
    }
    const found = [exports.policy, ...(Array.isArray(exports.policies) ? (exports.policies as unknown[]) : [])].filter((e) => e !== undefined);
    if (found.length === 0) throw new ValidationError(`Policy module '${specifier}' exports neither 'policy' nor 'policies'`);
    for (const candidate of found) loaded.push(asDefinition(candidate, specifier));
  }
  return loaded;
}

function asDefinition(candidate: unknown, specifier: string): PolicyDefinition {
  const value = candidate as Partial<PolicyDefinition> | null;
  const valid =
    value !== null &&
    typeof value === 'object' &&
    typeof value.name === 'string' &&
    Array.isArray(value.sections) &&
    typeof value.attributes === 'object' &&
    value.attributes !== null &&
    typeof value.compile === 'function';
  if (!valid) {
    throw new ValidationError(`Policy module '${specifier}' exports something that is not a policy definition (name, sections, attributes, compile)`);
  }
  return value as PolicyDefinition;
}
