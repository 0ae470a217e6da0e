/**
 * Reading and writing APIM policy documents. Parse once at save/compile time:
 * `parsePolicyXml(text, format)` → tree; `policiesDocument(tree)` → sections;
 * `serializePolicyXml(tree, format)` → text in either format.
 */
export { parsePolicyXml, MAX_ELEMENT_DEPTH } from './parser.js';
export { serializePolicyXml } from './serializer.js';
export { convertPolicyFormat } from './convert.js';
export {
  policiesDocument,
  POLICY_SECTIONS,
  type PolicySectionName,
  type PoliciesRoot,
  type FragmentRoot,
  type PolicyRoot,
} from './sections.js';
export { PolicyParseError, type PolicyParseErrorReason } from './errors.js';
export { positionInValue } from './positions.js';
export { childElements, getAttribute, expressionBody, type ExpressionBody } from './navigation.js';
export {
  isPolicyFormat,
  POLICY_FORMATS,
  type PolicyFormat,
  type PolicyDocument,
  type PolicyNode,
  type PolicyElement,
  type PolicyAttribute,
  type PolicyText,
  type PolicyComment,
  type PolicyValue,
  type NamedValueRef,
  type SourcePosition,
  type ValueAnchor,
} from './types.js';
