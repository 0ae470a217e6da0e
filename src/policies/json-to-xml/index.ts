/**
 * `<json-to-xml apply consider-accept-header parse-date namespace-separator namespace-prefix
 * attribute-block-name/>`: converts a JSON request or response body to XML (convert.ts).
 * `parse-date` and `namespace-prefix` are accepted; dates stay as written.
 */
import { constantOf, type PolicyDefinition } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { bodyTransformStep } from './body-transform.js';
import { jsonToXml } from './convert.js';

export const jsonToXmlPolicy: PolicyDefinition = {
  name: 'json-to-xml',
  sections: ALL_SECTIONS,
  attributes: {
    apply: { type: 'enum', values: ['always', 'content-type-json'], expression: false, required: true },
    'consider-accept-header': { type: 'bool', expression: false },
    'parse-date': { type: 'bool', expression: false },
    'namespace-separator': { expression: false },
    'namespace-prefix': { expression: false },
    'attribute-block-name': { expression: false },
  },
  compile(element, c) {
    c.children(element, []);
    const apply = c.choice(element, 'apply', ['always', 'content-type-json'], 'always');
    const considerAccept = constantOf(c.bool(element, 'consider-accept-header', true))?.value ?? true;
    c.bool(element, 'parse-date', true);
    c.literal(element, 'namespace-prefix');
    const options = { namespaceSeparator: c.literal(element, 'namespace-separator'), attributeBlockName: c.literal(element, 'attribute-block-name') };
    return bodyTransformStep(c, {
      onlyWhenContentType: apply === 'always' ? null : /json/i,
      onlyWhenAccepted: considerAccept ? /xml/i : null,
      resultContentType: 'application/xml',
      convert: (text) => jsonToXml(text, options),
    });
  },
};
