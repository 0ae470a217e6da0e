/**
 * `<xml-to-json kind apply consider-accept-header always-array-child-elements/>`: converts
 * an XML request or response body to JSON (convert.ts describes both kinds).
 */
import { constantOf, type PolicyDefinition } from '../engine/definition.js';
import { ALL_SECTIONS } from '../engine/sections.js';
import { bodyTransformStep } from '../json-to-xml/body-transform.js';
import { xmlToJson } from './convert.js';

export const xmlToJsonPolicy: PolicyDefinition = {
  name: 'xml-to-json',
  sections: ALL_SECTIONS,
  attributes: {
    kind: { type: 'enum', values: ['javascript-friendly', 'direct'], expression: false, required: true },
    apply: { type: 'enum', values: ['always', 'content-type-xml'], expression: false, required: true },
    'consider-accept-header': { type: 'bool', expression: false },
    'always-array-child-elements': { type: 'bool', expression: false },
  },
  compile(element, c) {
    c.children(element, []);
    const kind = c.choice(element, 'kind', ['javascript-friendly', 'direct'], 'javascript-friendly');
    const apply = c.choice(element, 'apply', ['always', 'content-type-xml'], 'always');
    const considerAccept = constantOf(c.bool(element, 'consider-accept-header', true))?.value ?? true;
    const alwaysArrayChildElements = constantOf(c.bool(element, 'always-array-child-elements', false))?.value ?? false;
    return bodyTransformStep(c, {
      onlyWhenContentType: apply === 'always' ? null : /xml/i,
      onlyWhenAccepted: considerAccept ? /json/i : null,
      resultContentType: 'application/json',
      convert: (text) => xmlToJson(text, { kind, alwaysArrayChildElements }),
    });
  },
};
