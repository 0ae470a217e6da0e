/**
 * The child elements of `<validate-jwt>`, read once at compile time: key material decoded and
 * turned into key objects, OpenID sources looked up in the engine's cache, audiences, issuers
 * and required claims made into lists (sets when literal). Every mistake is refused here, at
 * save time when it can be seen then, else when the snapshot compiles.
 */
import type { CompileContext, Evaluator } from '../engine/definition.js';
import { constant, constantOf } from '../engine/definition.js';
import { getAttribute, type PolicyElement } from '../xml/index.js';
import { urlProblem } from './fetch-json.js';
import { openIdSourceFor, type OpenIdKeySource } from './openid-keys.js';
import { certificateKey, decodeBase64, MIN_RSA_BITS, rsaBits, rsaKey, symmetricKey, type SigningKey } from './signing-keys.js';
import { listOf, type ClaimRule, type StringList } from './validate.js';

/** HMAC keys shorter than this are guessable; APIM's token library refuses them too. */
export const MIN_SYMMETRIC_KEY_BYTES = 16;

export interface ChildRules {
  readonly staticKeys: readonly SigningKey[];
  readonly openId: readonly OpenIdKeySource[];
  readonly audiences: StringList | undefined;
  readonly issuers: StringList | undefined;
  readonly claims: readonly ClaimRule[];
}

const CHILDREN = ['openid-config', 'issuer-signing-keys', 'decryption-keys', 'audiences', 'issuers', 'required-claims'];
const SINGLE = new Set(CHILDREN.filter((name) => name !== 'openid-config'));

export function compileChildren(element: PolicyElement, c: CompileContext): ChildRules {
  const children = c.children(element, CHILDREN);
  const seen = new Set<string>();
  for (const child of children) {
    if (SINGLE.has(child.name) && seen.has(child.name)) {
      c.fail('UnexpectedElement', `<validate-jwt> takes one <${child.name}>; put all its entries in the first`, child);
    }
    seen.add(child.name);
  }
  const decryption = children.find((child) => child.name === 'decryption-keys');
  if (decryption !== undefined) {
    c.fail(
      'PolicyNotYetSupported',
      '<decryption-keys> is not supported: Portico validates signed tokens (JWS), not encrypted ones (JWE); remove it',
      decryption,
    );
  }
  const one = (name: string): PolicyElement | undefined => children.find((child) => child.name === name);
  const keysElement = one('issuer-signing-keys');
  const audiences = one('audiences');
  const issuers = one('issuers');
  const claims = one('required-claims');
  return {
    staticKeys: keysElement === undefined ? [] : signingKeys(keysElement, c),
    openId: children.filter((child) => child.name === 'openid-config').map((child) => openIdConfig(child, c)).filter((s) => s !== null),
    audiences: audiences === undefined ? undefined : stringList(audiences, 'audience', c),
    issuers: issuers === undefined ? undefined : stringList(issuers, 'issuer', c),
    claims: claims === undefined ? [] : requiredClaims(claims, c),
  };
}

/** Null at save time when the URL names a value not known yet (checked when the snapshot compiles). */
function openIdConfig(element: PolicyElement, c: CompileContext): OpenIdKeySource | null {
  c.checkAttributes(element, { url: { required: true, expression: false } });
  const url = c.literal(element, 'url')!.trim();
  if (unresolved(element, c)) return null;
  const problem = urlProblem(url, c.settings.allowLinkLocalRequests);
  if (problem !== null) c.fail('InvalidAttributeValue', `<openid-config> url ${problem}: '${url}'`, getAttribute(element, 'url')!);
  // Nothing is fetched while compiling: the first request that needs the keys fetches them.
  return c.mode === 'compile' ? openIdSourceFor(c.settings, url) : null;
}

function signingKeys(element: PolicyElement, c: CompileContext): SigningKey[] {
  c.checkAttributes(element, {});
  const keys = c.children(element, ['key']);
  if (keys.length === 0) c.fail('MissingElement', '<issuer-signing-keys> needs at least one <key>', element);
  return keys.map((key) => signingKey(key, c)).filter((k) => k !== null);
}

const KEY_ATTRIBUTES = {
  id: { expression: false },
  'certificate-id': { expression: false },
  n: { expression: false },
  e: { expression: false },
} as const;

function signingKey(element: PolicyElement, c: CompileContext): SigningKey | null {
  c.checkAttributes(element, KEY_ATTRIBUTES);
  const id = c.literal(element, 'id');
  const n = getAttribute(element, 'n');
  const e = getAttribute(element, 'e');
  const text = c.text(element, { trim: true });
  if (getAttribute(element, 'certificate-id') !== undefined) {
    if (n !== undefined || e !== undefined || text !== undefined) {
      c.fail('InvalidAttributeValue', '<key> is either a certificate (certificate-id), an RSA key (n and e) or a base64 symmetric key, not several', element);
    }
    return certificatePublicKey(element, id, c);
  }
  if (n !== undefined || e !== undefined) {
    if (n === undefined || e === undefined) c.fail('MissingAttribute', `<key> needs both 'n' and 'e' for an RSA key`, element);
    if (text !== undefined) c.fail('UnexpectedText', '<key> is either an RSA key (n and e) or a base64 symmetric key, not both', element);
    if (unresolved(element, c)) return null;
    return rsaPublicKey(element, id, c.literal(element, 'n')!.trim(), c.literal(element, 'e')!.trim(), c);
  }
  if (text === undefined) c.fail('MissingElement', '<key> needs a base64 symmetric key as its text, or RSA n and e attributes', element);
  const literal = constantOf(text);
  if (literal === undefined) c.fail('InvalidAttributeValue', '<key> must be a literal (or a named value), not an expression: keys are prepared once', element);
  if (unresolved(element, c)) return null;
  const bytes = decodeBase64(literal.value);
  // The key itself is never quoted back: it is a secret.
  if (bytes === null) c.fail('InvalidAttributeValue', '<key> must be a base64-encoded symmetric key', element);
  if (bytes.length < MIN_SYMMETRIC_KEY_BYTES) {
    c.fail('InvalidAttributeValue', `<key> is ${bytes.length} bytes; a symmetric key must be at least ${MIN_SYMMETRIC_KEY_BYTES} bytes (${MIN_SYMMETRIC_KEY_BYTES * 8} bits)`, element);
  }
  return symmetricKey(id, bytes);
}

function rsaPublicKey(element: PolicyElement, id: string | undefined, n: string, e: string, c: CompileContext): SigningKey {
  let key: SigningKey;
  try {
    key = rsaKey(id, n, e);
  } catch {
    return c.fail('InvalidAttributeValue', "<key> n and e must be the base64url modulus and exponent of an RSA public key", element);
  }
  const bits = rsaBits(key.key) ?? 0;
  if (bits < MIN_RSA_BITS) c.fail('InvalidAttributeValue', `<key> is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`, element);
  return key;
}

/**
 * `<key certificate-id="…"/>`: the public key of that `certificates` resource, looked up when
 * the snapshot compiles (an unknown id refuses the snapshot, so the save that would make it).
 * At save time the resources are unknown: null, the snapshot check decides.
 */
function certificatePublicKey(element: PolicyElement, id: string | undefined, c: CompileContext): SigningKey | null {
  const attribute = getAttribute(element, 'certificate-id')!;
  const certificateId = c.literal(element, 'certificate-id')!.trim();
  if (certificateId === '' && attribute.namedValues.length === 0) c.fail('InvalidAttributeValue', '<key> certificate-id must not be empty', attribute);
  if (c.mode === 'check' || c.snapshot === undefined) return null;
  const found = c.snapshot.certificates?.find((resource) => resource.id === certificateId);
  if (found === undefined) return c.fail('InvalidAttributeValue', `<key> certificate-id '${certificateId}': no certificate with that id`, attribute);
  let key: SigningKey;
  try {
    key = certificateKey(id, found.certificate);
  } catch {
    return c.fail('InvalidAttributeValue', `<key> certificate-id '${certificateId}': the certificate cannot be read`, attribute);
  }
  const bits = rsaBits(key.key);
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    c.fail('InvalidAttributeValue', `<key> certificate-id '${certificateId}' holds a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`, attribute);
  }
  if (key.algorithms.size === 0) {
    c.fail('InvalidAttributeValue', `<key> certificate-id '${certificateId}' holds a ${key.key.asymmetricKeyType ?? 'unknown'} key, which cannot verify tokens (RSA, EC P-256/384/521 or Ed25519 can)`, attribute);
  }
  return key;
}

/** At save time named values are unknown: what depends on one is checked when the snapshot compiles. */
function unresolved(element: PolicyElement, c: CompileContext): boolean {
  if (c.mode !== 'check') return false;
  return element.attributes.some((a) => a.namedValues.length > 0) || element.children.some((child) => child.kind === 'text' && child.namedValues.length > 0);
}

function stringList(element: PolicyElement, childName: string, c: CompileContext): StringList {
  c.checkAttributes(element, {});
  const entries = c.children(element, [childName]);
  if (entries.length === 0) c.fail('MissingElement', `<${element.name}> needs at least one <${childName}>`, element);
  const values = entries.map((entry) => {
    c.checkAttributes(entry, {});
    const value = c.text(entry, { trim: true });
    if (value === undefined) c.fail('MissingElement', `<${childName}> needs a value`, entry);
    return value;
  });
  return listOfEvaluators(values);
}

function listOfEvaluators(values: Evaluator<string>[]): StringList {
  return listOf(values, values.map((v) => constantOf(v)?.value));
}

function requiredClaims(element: PolicyElement, c: CompileContext): ClaimRule[] {
  c.checkAttributes(element, {});
  const claims = c.children(element, ['claim']);
  if (claims.length === 0) c.fail('MissingElement', '<required-claims> needs at least one <claim>', element);
  return claims.map((claim) => {
    c.checkAttributes(claim, {
      name: { required: true, expression: false },
      match: { type: 'enum', values: ['all', 'any'], expression: false },
      separator: { expression: false },
    });
    const name = c.literal(claim, 'name')!.trim();
    if (name === '') c.fail('InvalidAttributeValue', '<claim> name must not be empty', getAttribute(claim, 'name')!);
    const match = c.choice(claim, 'match', ['all', 'any'], 'all');
    const separator = c.literal(claim, 'separator');
    const values = c.children(claim, ['value']).map((value) => {
      c.checkAttributes(value, {});
      return c.text(value, { trim: true }) ?? constant('');
    });
    return { name, matchAll: match === 'all', separator: separator === '' ? undefined : separator, values: listOfEvaluators(values) };
  });
}
