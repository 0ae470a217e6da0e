/**
 * `<validate-client-certificate validate-revocation validate-trust validate-not-before
 * validate-not-after ignore-error><identities><identity …/></identities></validate-client-certificate>`:
 * the certificate the client presented on the gateway's HTTPS listener must chain to the
 * listener's client CA, be within its validity period and match every claim of at least one
 * identity. A failure is 401 `{"statusCode":401,"message":"Invalid client certificate."}`
 * (LastError.Reason says which check failed), unless ignore-error lets the request through.
 *
 * Revocation: checked against the listener's CRL (`--tls-client-crl`), which the TLS handshake
 * applies; without one a certificate counts as not revoked (no OCSP; see docs/mtls.md).
 * Everything per certificate is worked out once per connection.
 */
import type { PolicyContext } from '../contract/context.js';
import type { CompileContext, PolicyDefinition } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { certificateFacts, type CertificateFacts } from '../http/client-certificates.js';
import type { PolicyElement } from '../xml/index.js';
import { compileIdentities, type Identity } from './identities.js';

const MESSAGE = 'Invalid client certificate.';

// Shared: a refusal carries no per-request data.
const MISSING = new PolicyFailure(401, 'ClientCertificateMissing', MESSAGE);
const UNTRUSTED = new PolicyFailure(401, 'ClientCertificateNotTrusted', MESSAGE);
const NOT_YET_VALID = new PolicyFailure(401, 'ClientCertificateNotYetValid', MESSAGE);
const EXPIRED = new PolicyFailure(401, 'ClientCertificateExpired', MESSAGE);
const NO_IDENTITY = new PolicyFailure(401, 'ClientCertificateIdentityMismatch', MESSAGE);
const REVOKED = new PolicyFailure(401, 'ClientCertificateRevoked', MESSAGE);

const FLAG = { type: 'bool', expression: false } as const;

export const validateClientCertificatePolicy: PolicyDefinition = {
  name: 'validate-client-certificate',
  sections: ['inbound'],
  attributes: {
    'validate-revocation': FLAG,
    'validate-trust': FLAG,
    'validate-not-before': FLAG,
    'validate-not-after': FLAG,
    'ignore-error': FLAG,
  },
  compile(element, c) {
    const trust = flag(element, c, 'validate-trust', true);
    const notBefore = flag(element, c, 'validate-not-before', true);
    const notAfter = flag(element, c, 'validate-not-after', true);
    const revocation = flag(element, c, 'validate-revocation', true);
    const ignoreError = flag(element, c, 'ignore-error', false);
    const identities = compileIdentities(element, c);

    const check = (ctx: PolicyContext): PolicyFailure | null => {
      const presented = ctx.clientCertificate;
      if (presented === null) return MISSING;
      const facts = certificateFacts(presented);
      if (trust && !facts.trusted) return UNTRUSTED;
      if (revocation && presented.revoked) return REVOKED;
      const now = Date.now();
      if (notBefore && now < facts.notBefore.getTime()) return NOT_YET_VALID;
      if (notAfter && now > facts.notAfter.getTime()) return EXPIRED;
      if (identities.length > 0 && !identities.some((identity) => matches(identity, facts))) return NO_IDENTITY;
      return null;
    };
    // Nothing a client or a later policy could observe: the step would only cost time.
    if (ignoreError) return null;
    return (ctx) => {
      const failure = check(ctx);
      if (failure !== null) throw failure;
    };
  },
};

function matches(identity: Identity, facts: CertificateFacts): boolean {
  return identity.every((claim) => claim(facts));
}

function flag(element: PolicyElement, c: CompileContext, name: string, fallback: boolean): boolean {
  return constantOf(c.bool(element, name, fallback))?.value ?? fallback;
}
