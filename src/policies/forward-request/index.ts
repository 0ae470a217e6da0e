/**
 * `<forward-request timeout="300" follow-redirects="false" buffer-request-body="false"
 * buffer-response="true" fail-on-error-status-code="false"/>`: sends the request to the
 * backend. Portico always streams the response unless a policy reads its body, so
 * `buffer-response` is accepted and needs no work.
 */
import type { ForwardOptions, PolicyContext, PolicyResponse } from '../contract/context.js';
import type { PolicyDefinition, PolicyStep } from '../engine/definition.js';
import { constantOf } from '../engine/definition.js';
import { PolicyFailure } from '../engine/failures.js';
import { bufferRequestForExpressions } from '../engine/pipeline-builder.js';
import type { StepEntry } from '../engine/steps.js';
import { isStreamBody } from '../http/bodies.js';
import { currentRequestUrl } from '../http/urls.js';

/** APIM's default timeout, seconds. */
export const DEFAULT_FORWARD_TIMEOUT_SECONDS = 300;

export const forwardRequestPolicy: PolicyDefinition = {
  name: 'forward-request',
  sections: ['backend'],
  attributes: {
    timeout: { type: 'int', min: 0, max: 3600 },
    'follow-redirects': { type: 'bool' },
    'buffer-request-body': { type: 'bool' },
    'buffer-response': { type: 'bool' },
    'fail-on-error-status-code': { type: 'bool' },
    'http-version': { type: 'enum', values: ['1', '2or1', '2'], expression: false },
  },
  compile(element, c) {
    c.children(element, []);
    const timeout = c.int(element, 'timeout', DEFAULT_FORWARD_TIMEOUT_SECONDS)!;
    const followRedirects = c.bool(element, 'follow-redirects', false);
    const bufferRequest = c.bool(element, 'buffer-request-body', false);
    const failOnError = c.bool(element, 'fail-on-error-status-code', false);
    c.bool(element, 'buffer-response', true);
    c.choice(element, 'http-version', ['1', '2or1', '2'], '1');

    const fixedTimeout = constantOf(timeout)?.value;
    const fixedRedirects = constantOf(followRedirects)?.value;
    const fixedOptions = fixedTimeout !== undefined && fixedRedirects !== undefined ? forwardOptions(fixedTimeout, fixedRedirects) : undefined;
    return forwardStep({
      options: fixedOptions ?? ((ctx) => forwardOptions(timeout(ctx), followRedirects(ctx))),
      bufferRequest: constantOf(bufferRequest)?.value ?? bufferRequest,
      failOnError: constantOf(failOnError)?.value ?? failOnError,
    });
  },
};

interface ForwardSettingsValue extends ForwardOptions {
  readonly followRedirects: boolean;
}

function forwardOptions(timeoutSeconds: number, followRedirects: boolean): ForwardSettingsValue {
  // 0 would mean "no timeout", which APIM never offers; treat it as the longest wait allowed.
  const seconds = timeoutSeconds === 0 ? 3600 : timeoutSeconds;
  return { timeoutMs: seconds * 1000, followRedirects };
}

type Setting<T> = T | ((ctx: PolicyContext) => T);

function read<T>(setting: Setting<T>, ctx: PolicyContext): T {
  return typeof setting === 'function' ? (setting as (ctx: PolicyContext) => T)(ctx) : setting;
}

interface ForwardSettings {
  readonly options: Setting<ForwardSettingsValue>;
  readonly bufferRequest: Setting<boolean>;
  readonly failOnError: Setting<boolean>;
}

function forwardStep(settings: ForwardSettings): PolicyStep {
  return async (ctx) => {
    const options = read(settings.options, ctx);
    ctx.backendTimeoutMs = options.timeoutMs;
    // A retry sends the body again: it must be in memory, not a consumed stream.
    if (read(settings.bufferRequest, ctx)) await bufferRequestForExpressions(ctx);
    const previous = ctx.response?.body;
    if (previous !== undefined && isStreamBody(previous)) previous.destroy();
    ctx.response = null;
    await ctx.forward(options);
    if (options.followRedirects) await followRedirects(ctx, options);
    const response = responseOf(ctx);
    const status = response?.statusCode ?? 0;
    if (status >= 400 && read(settings.failOnError, ctx)) {
      const body = response?.body;
      if (body !== undefined && isStreamBody(body)) body.destroy();
      ctx.response = null;
      throw new PolicyFailure(status, 'BackendErrorStatusCode', `The backend responded with status ${status}.`);
    }
  };
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/**
 * follow-redirects: each hop goes through the gateway's backend checks (no link-local or
 * metadata targets). A hop that would resend a body the gateway no longer has (not
 * buffered) is not taken: the redirect itself is returned.
 */
async function followRedirects(ctx: PolicyContext, options: ForwardOptions): Promise<void> {
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const response = responseOf(ctx);
    const location = response?.headers.location;
    if (response === null || !REDIRECTS.has(response.statusCode) || typeof location !== 'string') return;
    let target: URL;
    try {
      target = new URL(location, currentRequestUrl(ctx));
    } catch {
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return;
    const becomesGet = response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && ctx.method === 'POST');
    const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';
    if (!becomesGet && hasBody && ctx.policyState?.requestBody === undefined) return;
    if (isStreamBody(response.body)) response.body.destroy();
    if (becomesGet) {
      ctx.method = 'GET';
      ctx.setRequestBody(null);
      delete ctx.forwardHeaders['content-type'];
    }
    const sameOrigin = ctx.backend !== null && new URL(ctx.backend.url).origin === target.origin;
    // Credentials meant for one backend are not handed to another.
    if (!sameOrigin) delete ctx.forwardHeaders.authorization;
    ctx.backend = ctx.resolveBackendUrl(target.origin);
    ctx.backendPath = target.pathname === '/' ? '' : target.pathname;
    ctx.query = target.search.startsWith('?') ? target.search.slice(1) : '';
    ctx.response = null;
    await ctx.forward(options);
  }
}

/** Read through a call: the compiler would keep `ctx.response` narrowed to null across the await. */
function responseOf(ctx: PolicyContext): PolicyResponse | null {
  return ctx.response;
}

/** The forward-request of the global backend section when no document says otherwise. */
export function defaultForwardEntry(): StepEntry {
  return {
    run: forwardStep({ options: forwardOptions(DEFAULT_FORWARD_TIMEOUT_SECONDS, false), bufferRequest: false, failOnError: false }),
    site: { policy: 'forward-request', policyId: '', scope: 'global', section: 'backend', path: 'forward-request[1]' },
    needs: { requestBody: false, responseBody: false },
  };
}
