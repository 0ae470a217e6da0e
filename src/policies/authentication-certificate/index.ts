/**
 * `<authentication-certificate certificate-id="…"/>` or `thumbprint="…"`: the request is
 * sent to the backend over TLS connections presenting that certificate resource (client
 * certificate authentication, e.g. an ingress requiring mutual TLS). Literal references are
 * resolved when the snapshot compiles, so an unknown certificate is refused at save time;
 * an expression is resolved per request.
 *
 * APIM's `body`/`password` form (PFX bytes computed per request) is refused: it would parse
 * a PFX and open a new TLS pool per request. Upload the certificate instead.
 */
import { getAttribute } from '../xml/index.js';
import type { BackendCertificateHandle, PolicyContext } from '../contract/context.js';
import type { BackendResolver } from '../contract/pipeline.js';
import type { CompileContext, Evaluator, PolicyDefinition, PolicyStep } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import type { PolicyElement } from '../xml/index.js';

type Reference = { id: string } | { thumbprint: string };

export const authenticationCertificatePolicy: PolicyDefinition = {
  name: 'authentication-certificate',
  sections: ['inbound'],
  attributes: { thumbprint: {}, 'certificate-id': {}, body: {}, password: {} },
  compile(element, c) {
    c.children(element, []);
    const body = getAttribute(element, 'body');
    if (body !== undefined) {
      return c.fail(
        'PolicyNotYetSupported',
        "<authentication-certificate> 'body' (a PFX computed per request) is not supported; upload the certificate (PUT /certificates/{id}) and use certificate-id",
        body,
      );
    }
    const password = getAttribute(element, 'password');
    if (password !== undefined) c.fail('UnknownAttribute', "<authentication-certificate> 'password' goes with 'body' only", password);
    const id = c.string(element, 'certificate-id');
    const thumbprint = c.string(element, 'thumbprint');
    if ((id === undefined) === (thumbprint === undefined)) {
      return c.fail('MissingAttribute', "<authentication-certificate> needs exactly one of 'certificate-id' and 'thumbprint'", element);
    }
    const reference: Evaluator<Reference> = id !== undefined ? (ctx) => ({ id: id(ctx) }) : (ctx) => ({ thumbprint: thumbprint!(ctx) });
    const fixed = constantOf(id ?? thumbprint!)?.value;
    if (fixed === undefined) return (ctx) => void (ctx.backendClientCertificate = atRunTime(c.backends, reference(ctx)));
    return staticCertificate(id !== undefined ? { id: fixed } : { thumbprint: fixed }, element, c);
  },
};

/** A literal reference: resolved now when the gateway's resolver is there (unknown → refused). */
function staticCertificate(reference: Reference, element: PolicyElement, c: CompileContext): PolicyStep | null {
  const resolver = c.backends;
  if (c.mode === 'check' || resolver?.certificate === undefined) {
    // Save-time check without a snapshot: the snapshot compile (or the first request) resolves it.
    return (ctx) => void (ctx.backendClientCertificate = atRunTime(resolver, reference));
  }
  const found = resolver.certificate(reference);
  const attribute = getAttribute(element, 'id' in reference ? 'certificate-id' : 'thumbprint')!;
  if (found === undefined) return c.fail('InvalidAttributeValue', `<authentication-certificate> ${describe(reference)} does not exist`, attribute);
  if (typeof found === 'string') return c.fail('InvalidAttributeValue', `<authentication-certificate> ${found}`, attribute);
  return (ctx: PolicyContext) => void (ctx.backendClientCertificate = found);
}

function atRunTime(resolver: BackendResolver | undefined, reference: Reference): BackendCertificateHandle {
  const found = resolver?.certificate?.(reference);
  if (found === undefined || typeof found === 'string') {
    // The client learns that the gateway is misconfigured, not which certificates exist.
    throw new PolicyFailure(500, 'CertificateNotFound', 'The backend client certificate chosen by a policy is not available.');
  }
  return found;
}

function describe(reference: Reference): string {
  return 'id' in reference ? `certificate '${reference.id}'` : `no certificate has thumbprint '${reference.thumbprint}'; it`;
}
