import { parsePolicyXml } from './parser.js';
import { serializePolicyXml } from './serializer.js';
import type { PolicyFormat } from './types.js';

/**
 * A stored document in the other format (`?format=` on the management API): APIM returns
 * a policy in whichever of rawxml/xml the caller asks for, whatever it was saved in.
 */
export function convertPolicyFormat(value: string, from: PolicyFormat, to: PolicyFormat): string {
  return from === to ? value : serializePolicyXml(parsePolicyXml(value, from), to);
}
