/**
 * `<set-backend-service base-url="…"/>` or `backend-id="…"`: where forward-request sends
 * the request. Literal values are resolved to a backend (with its connection pool) at
 * compile time; expressions are resolved per request.
 */
import { getAttribute } from '../xml/index.js';
import type { CompileContext, PolicyDefinition, PolicyStep } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import type { BackendHandle, PolicyContext } from '../contract/context.js';
import { PorticoError } from '../../model/errors.js';
import type { PolicyElement } from '../xml/index.js';

export const setBackendServicePolicy: PolicyDefinition = {
  name: 'set-backend-service',
  sections: ['inbound', 'backend'],
  attributes: { 'base-url': {}, 'backend-id': {} },
  compile(element, c) {
    c.children(element, []);
    const baseUrl = c.string(element, 'base-url');
    const backendId = c.string(element, 'backend-id');
    if ((baseUrl === undefined) === (backendId === undefined)) {
      return c.fail('MissingAttribute', "<set-backend-service> needs exactly one of 'base-url' and 'backend-id'", element);
    }
    if (baseUrl !== undefined) {
      const fixed = constantOf(baseUrl)?.value;
      if (fixed === undefined) return (ctx) => void (ctx.backend = ctx.resolveBackendUrl(baseUrl(ctx)));
      const handle = staticUrl(fixed, element, c);
      return (ctx) => void (ctx.backend = handle ?? ctx.resolveBackendUrl(fixed));
    }
    const id = backendId!;
    const fixed = constantOf(id)?.value;
    if (fixed === undefined) return (ctx) => void (ctx.backend = runtimeBackend(ctx, c, id(ctx)));
    return staticBackend(fixed, element, c);
  },
};

/** A literal base URL, checked (and, with a resolver, given its pool) at compile time. */
function staticUrl(url: string, element: PolicyElement, c: CompileContext): BackendHandle | undefined {
  const attribute = getAttribute(element, 'base-url')!;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return c.fail('InvalidAttributeValue', `<set-backend-service> base-url '${url}' is not an absolute URL`, attribute);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return c.fail('InvalidAttributeValue', `<set-backend-service> base-url must be http or https, not '${parsed.protocol}'`, attribute);
  }
  if (c.mode === 'check' || c.backends === undefined) return undefined;
  try {
    return c.backends.byUrl(url);
  } catch (error) {
    if (error instanceof PorticoError) return c.fail('InvalidAttributeValue', `<set-backend-service> base-url: ${error.message}`, attribute);
    throw error;
  }
}

/** A literal backend id: must exist when the backends are known. */
function staticBackend(id: string, element: PolicyElement, c: CompileContext): PolicyStep {
  const attribute = getAttribute(element, 'backend-id')!;
  const handle = c.backends?.byId(id);
  if (handle !== undefined) return (ctx) => void (ctx.backend = handle);
  const known = c.snapshot?.backends.find((b) => b.id === id);
  if (c.backends !== undefined || (c.mode === 'compile' && known === undefined)) {
    return c.fail('UnknownBackend', `<set-backend-service> backend '${id}' does not exist`, attribute);
  }
  // Compiling without the gateway's resolver: resolve the backend's URL per request.
  const url = known?.url;
  return (ctx) => {
    if (url === undefined) throw new PolicyFailure(500, 'BackendNotFound', `Backend '${id}' does not exist.`);
    ctx.backend = ctx.resolveBackendUrl(url);
  };
}

function runtimeBackend(ctx: PolicyContext, c: CompileContext, id: string): BackendHandle {
  const handle = c.backends?.byId(id);
  if (handle !== undefined) return handle;
  const backend = c.snapshot?.backends.find((b) => b.id === id);
  if (backend !== undefined) return ctx.resolveBackendUrl(backend.url);
  throw new PolicyFailure(500, 'BackendNotFound', `Backend '${id}' does not exist.`);
}
