/**
 * `<identities><identity thumbprint="…" subject="…" …/></identities>`: each identity is a set
 * of claims compiled to predicates once; a certificate passes when every claim of at least
 * one identity holds.
 */
import type { CompileContext } from '../engine/definition.js';
import type { Located } from '../engine/problems.js';
import type { PolicyElement } from '../xml/index.js';
import { thumbprintOf, type CertificateFacts } from '../http/client-certificates.js';
import { parseWrittenName, sameName } from '../http/distinguished-names.js';

export type IdentityClaim = (facts: CertificateFacts) => boolean;
/** All claims of one identity. */
export type Identity = readonly IdentityClaim[];

/** APIM accepts up to 10 identities. */
const MAX_IDENTITIES = 10;

const IDENTITY_ATTRIBUTES = [
  'thumbprint',
  'serial-number',
  'common-name',
  'subject',
  'dns-name',
  'issuer-subject',
  'issuer-thumbprint',
  'issuer-certificate-id',
] as const;

const LITERAL = { expression: false } as const;
const IDENTITY_SPEC = Object.fromEntries(IDENTITY_ATTRIBUTES.map((name) => [name, LITERAL]));

/** The identities under `element` (empty: any certificate passing the other checks is fine). */
export function compileIdentities(element: PolicyElement, c: CompileContext): readonly Identity[] {
  const groups = c.children(element, ['identities']);
  if (groups.length > 1) c.fail('UnexpectedElement', '<validate-client-certificate> takes one <identities> element', groups[1]);
  if (groups.length === 0) return [];
  c.checkAttributes(groups[0], {});
  const identities = c.children(groups[0], ['identity']);
  if (identities.length > MAX_IDENTITIES) {
    c.fail('UnexpectedElement', `<identities> takes at most ${MAX_IDENTITIES} <identity> elements`, identities[MAX_IDENTITIES]);
  }
  return identities.map((identity) => compileIdentity(identity, c));
}

function compileIdentity(identity: PolicyElement, c: CompileContext): Identity {
  c.checkAttributes(identity, IDENTITY_SPEC);
  c.children(identity, []);
  const claims: IdentityClaim[] = [];
  for (const name of IDENTITY_ATTRIBUTES) {
    const written = c.literal(identity, name);
    if (written === undefined) continue;
    const at = identity.attributes.find((attribute) => attribute.name === name) ?? identity;
    const value = written.trim();
    if (value === '') c.fail('InvalidAttributeValue', `<identity> attribute '${name}' is empty`, at);
    claims.push(claim(name, value, c, at));
  }
  if (claims.length === 0) c.fail('MissingAttribute', `<identity> needs at least one of ${IDENTITY_ATTRIBUTES.map((n) => `'${n}'`).join(', ')}`, identity);
  return claims;
}

function claim(name: (typeof IDENTITY_ATTRIBUTES)[number], value: string, c: CompileContext, at: Located): IdentityClaim {
  switch (name) {
    case 'thumbprint': {
      const expected = thumbprint(value, name, c, at);
      return (facts) => facts.thumbprint === expected;
    }
    case 'serial-number': {
      const expected = hexDigits(value).replace(/^0+/, '');
      if (expected === '' || /[^0-9A-F]/.test(expected)) c.fail('InvalidAttributeValue', `<identity> serial-number '${value}' is not a hexadecimal serial number`, at);
      return (facts) => facts.serialNumber.replace(/^0+/, '') === expected;
    }
    case 'common-name': {
      const expected = value.toLowerCase();
      return (facts) => facts.commonName?.toLowerCase() === expected;
    }
    case 'dns-name': {
      const expected = value.toLowerCase();
      return (facts) => facts.dnsNames.some((dnsName) => dnsName.toLowerCase() === expected);
    }
    case 'subject': {
      const expected = distinguishedName(value, name, c, at);
      return (facts) => sameName(facts.subjectRdns, expected);
    }
    case 'issuer-subject': {
      const expected = distinguishedName(value, name, c, at);
      return (facts) => sameName(facts.issuerRdns, expected);
    }
    case 'issuer-thumbprint': {
      const expected = thumbprint(value, name, c, at);
      return (facts) => issuerThumbprint(facts) === expected;
    }
    case 'issuer-certificate-id': {
      const expected = certificateThumbprint(value, c, at);
      return (facts) => expected !== null && issuerThumbprint(facts) === expected;
    }
  }
}

function issuerThumbprint(facts: CertificateFacts): string | null {
  const issuer = facts.issuerCert;
  return issuer === null ? null : thumbprintOf(issuer);
}

/** Thumbprints copied from Windows often carry spaces, colons or an invisible mark: only hex digits count. */
function hexDigits(value: string): string {
  return value.toUpperCase().replace(/[\s:\u200e\u200f-]/g, '');
}

function thumbprint(value: string, name: string, c: CompileContext, at: Located): string {
  const digits = hexDigits(value);
  if (!/^[0-9A-F]{40}$/.test(digits)) c.fail('InvalidAttributeValue', `<identity> ${name} '${value}' is not a SHA-1 thumbprint (40 hex digits)`, at);
  return digits;
}

function distinguishedName(value: string, name: string, c: CompileContext, at: Located): ReturnType<typeof parseWrittenName> {
  const rdns = parseWrittenName(value);
  if (rdns.length === 0) c.fail('InvalidAttributeValue', `<identity> ${name} '${value}' is not a distinguished name such as 'CN=client, O=Contoso'`, at);
  return rdns;
}

interface CertificateResource {
  readonly id: string;
  readonly thumbprint: string;
}

/**
 * issuer-certificate-id names a `certificates` resource (a CA the client's certificate must
 * be issued by). Snapshots carry them (ConfigSnapshot.certificates); the policy engine's view
 * of the snapshot does not declare them, so they are read defensively. At save time the
 * resources are unknown: null (never matches, never runs).
 */
function certificateThumbprint(id: string, c: CompileContext, at: Located): string | null {
  if (c.mode === 'check' || c.snapshot === undefined) return null;
  const resources = (c.snapshot as { readonly certificates?: readonly CertificateResource[] }).certificates ?? [];
  const found = resources.find((resource) => resource.id === id);
  if (found === undefined) return c.fail('InvalidAttributeValue', `<identity> issuer-certificate-id '${id}': no certificate with that id`, at);
  return hexDigits(found.thumbprint);
}
