import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PublicRouteConfig } from '../../management/routes/auth.js';

/** Path prefix of the demo echo on the admin listener; the demo backend's URL points here. */
export const DEMO_ECHO_PREFIX = '/_demo/echo';

/** Bodies beyond this are refused (413): the echo is a toy, not an upload sink. */
export const DEMO_ECHO_MAX_BODY_BYTES = 64 * 1024;

// The echo is unauthenticated; reflecting credentials back is harmless to whoever sent them,
// but it would put them into logs, screenshots and bug reports, so their values are masked.
const MASKED_HEADERS = new Set(['authorization', 'ocp-apim-subscription-key', 'cookie', 'proxy-authorization']);

export interface EchoReply {
  method: string;
  /** Path below the echo prefix, i.e. what the gateway forwarded after the backend URL. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * Registers the demo echo: any method on `/_demo/echo/*` answers with what it received as
 * JSON. It lives in its own encapsulated plugin so its catch-all body parser (any content
 * type, as raw bytes) does not change how the management API parses JSON.
 */
export async function registerDemoEcho(app: FastifyInstance): Promise<void> {
  await app.register(async (echo) => {
    echo.removeAllContentTypeParsers();
    echo.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: DEMO_ECHO_MAX_BODY_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    const handler = async (request: FastifyRequest): Promise<EchoReply> => describeRequest(request);
    // Public: the gateway calls it as a plain backend, without the management API's bearer token.
    const config: PublicRouteConfig = { public: true };
    echo.all(DEMO_ECHO_PREFIX, { config }, handler);
    echo.all(`${DEMO_ECHO_PREFIX}/*`, { config }, handler);
  });
}

function describeRequest(request: FastifyRequest): EchoReply {
  const url = new URL(request.url, 'http://echo.invalid');
  const query: EchoReply['query'] = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const headers: EchoReply['headers'] = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = MASKED_HEADERS.has(name) ? '***' : value;
  }
  const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  return {
    method: request.method,
    path: url.pathname.slice(DEMO_ECHO_PREFIX.length) || '/',
    query,
    headers,
    body,
  };
}
