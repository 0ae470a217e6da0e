/**
 * What policies and expressions ask of a client certificate, worked out once per connection
 * (the certificate cannot change on it) and only when asked: .NET-style names, thumbprint,
 * DNS names, and whether it chains to the listener's client CA.
 */
import type { X509Certificate } from 'node:crypto';
import type { ClientCertificate } from '../../expressions/index.js';
import type { ClientCertificateInfo } from '../contract/context.js';
import { dotnetName, parseNodeName, rdnValue, type Rdn } from './distinguished-names.js';

/** Longest chain walked from the client's certificate to a trust anchor. */
const MAX_CHAIN_LENGTH = 8;

const factsCache = new WeakMap<ClientCertificateInfo, CertificateFacts>();

/** The facts of a presented certificate, shared by every request on its connection. */
export function certificateFacts(info: ClientCertificateInfo): CertificateFacts {
  let facts = factsCache.get(info);
  if (facts === undefined) {
    facts = new CertificateFacts(info);
    factsCache.set(info, facts);
  }
  return facts;
}

export class CertificateFacts {
  private subjectParts: Rdn[] | null = null;
  private issuerParts: Rdn[] | null = null;
  private names: readonly string[] | null = null;
  /** undefined: not worked out yet; null: no path to an anchor. */
  private path: readonly X509Certificate[] | null | undefined = undefined;
  private issuerCertificate: X509Certificate | null | undefined = undefined;
  private view: ClientCertificate | null = null;
  readonly notBefore: Date;
  readonly notAfter: Date;

  constructor(readonly info: ClientCertificateInfo) {
    this.notBefore = new Date(info.certificate.validFrom);
    this.notAfter = new Date(info.certificate.validTo);
  }

  get certificate(): X509Certificate {
    return this.info.certificate;
  }

  /** SHA-1 of the DER, upper-case hex without separators (APIM's thumbprint). */
  get thumbprint(): string {
    return thumbprintOf(this.info.certificate);
  }

  /** .NET's `SerialNumber`: the DER integer's bytes as upper-case hex (a leading 00 kept). */
  get serialNumber(): string {
    return dotnetSerial(this.info.certificate.serialNumber);
  }

  get subjectRdns(): readonly Rdn[] {
    this.subjectParts ??= parseNodeName(this.info.certificate.subject);
    return this.subjectParts;
  }

  get issuerRdns(): readonly Rdn[] {
    this.issuerParts ??= parseNodeName(this.info.certificate.issuer);
    return this.issuerParts;
  }

  get subject(): string {
    return dotnetName(this.subjectRdns);
  }

  get issuer(): string {
    return dotnetName(this.issuerRdns);
  }

  get commonName(): string | null {
    return rdnValue(this.subjectRdns, 'CN');
  }

  /** The subjectAltName's DNS entries. */
  get dnsNames(): readonly string[] {
    this.names ??= dnsNamesOf(this.info.certificate.subjectAltName);
    return this.names;
  }

  /**
   * Chains to the listener's client CA. The leaf's own validity period is left to
   * validate-not-before/-after (so those can be switched off), but everything above it —
   * intermediates (CA certificates only) and the anchor — must be valid now.
   */
  get trusted(): boolean {
    // Without a client CA, node verifies against the public roots: not what "trusted" means here.
    if (this.info.trustAnchors.length === 0) return false;
    if (this.info.verifiedByListener) return true;
    // node refused the chain (possibly only for the leaf's dates): walk it here, stricter above the leaf.
    const path = this.chain();
    const now = Date.now();
    return path !== null && path.slice(1).every((certificate) => validAt(certificate, now));
  }

  /** The certificate that signed this one (sent by the client or a trust anchor), or null when unknown. */
  get issuerCert(): X509Certificate | null {
    if (this.issuerCertificate === undefined) {
      const leaf = this.info.certificate;
      this.issuerCertificate = [...this.info.intermediates, ...this.info.trustAnchors].find((candidate) => issued(candidate, leaf)) ?? null;
    }
    return this.issuerCertificate;
  }

  /** X509Certificate2.Verify(): a chain to the client CA, every certificate on it valid at `now`. */
  verify(now: number): boolean {
    const path = this.chain();
    return path !== null && path.every((certificate) => validAt(certificate, now));
  }

  /** `context.Request.Certificate`. */
  get expressionView(): ClientCertificate {
    this.view ??= new CertificateView(this);
    return this.view;
  }

  private chain(): readonly X509Certificate[] | null {
    if (this.path === undefined) this.path = chainToAnchor(this.info);
    return this.path;
  }
}

export function thumbprintOf(certificate: X509Certificate): string {
  return certificate.fingerprint.replaceAll(':', '');
}

/** Within its validity period at `now` (ms since the epoch). */
export function validAt(certificate: X509Certificate, now: number): boolean {
  return Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
}

/** `issuer` signed `subject` (names, key identifiers and the signature all agree). */
function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * The path from the client's certificate to one of the listener's trust anchors, through
 * what the client sent (only CA certificates may sit in between), or null.
 */
function chainToAnchor(info: ClientCertificateInfo): readonly X509Certificate[] | null {
  if (info.trustAnchors.length === 0) return null;
  const path: X509Certificate[] = [info.certificate];
  let current = info.certificate;
  while (path.length <= MAX_CHAIN_LENGTH) {
    const anchor = info.trustAnchors.find((candidate) => issued(candidate, current));
    if (anchor !== undefined) {
      // A self-signed anchor that is the certificate itself adds nothing to the path.
      if (anchor.fingerprint256 !== current.fingerprint256) path.push(anchor);
      return path;
    }
    const next = info.intermediates.find((candidate) => candidate.ca && !path.includes(candidate) && issued(candidate, current));
    if (next === undefined) return null;
    path.push(next);
    current = next;
  }
  return null;
}

/** node prints the serial as a positive big number in hex; .NET prints the DER integer's bytes. */
function dotnetSerial(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return (/^[89A-Fa-f]/.test(even) ? `00${even}` : even).toUpperCase();
}

function dnsNamesOf(altNames: string | undefined): readonly string[] {
  if (altNames === undefined) return [];
  const names: string[] = [];
  for (const entry of altNames.split(', ')) {
    if (!entry.startsWith('DNS:')) continue;
    const name = entry.slice(4);
    names.push(name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name);
  }
  return names;
}

class CertificateView implements ClientCertificate {
  constructor(private readonly facts: CertificateFacts) {}

  get Thumbprint(): string {
    return this.facts.thumbprint;
  }

  get Subject(): string {
    return this.facts.subject;
  }

  get Issuer(): string {
    return this.facts.issuer;
  }

  get SerialNumber(): string {
    return this.facts.serialNumber;
  }

  get NotBefore(): Date {
    return this.facts.notBefore;
  }

  get NotAfter(): Date {
    return this.facts.notAfter;
  }

  get RawData(): Uint8Array {
    return this.facts.certificate.raw;
  }

  readonly verify = (): boolean => this.facts.verify(Date.now());
}
