import type { IncomingMessage, ServerResponse } from 'node:http';
import { PorticoTokenError } from './errors.js';
import { createPorticoVerifier, type PorticoCaller, type PorticoVerifier, type PorticoVerifierOptions } from './verifier.js';

/** A request that passed: the verified caller is attached. */
export type PorticoRequest = IncomingMessage & { portico: PorticoCaller };

export type PorticoHttpHandler = (req: PorticoRequest, res: ServerResponse) => void | Promise<void>;

/** A verifier, or the options to make one. */
export type VerifierSource = PorticoVerifier | PorticoVerifierOptions;

export function verifierOf(source: VerifierSource): PorticoVerifier {
  return 'verifyHeaders' in source ? source : createPorticoVerifier(source);
}

/**
 * Answers a refused request: 401 with `WWW-Authenticate` (RFC 6750) or 503 when the keys
 * could not be fetched, and a small JSON body shaped like the gateway's own errors.
 */
export function sendTokenError(res: ServerResponse, error: PorticoTokenError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ statusCode: error.status, message: error.message });
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) };
  if (error.status === 401) {
    headers['www-authenticate'] = error.code === 'MissingToken' ? 'Bearer' : 'Bearer error="invalid_token"';
  } else {
    headers['retry-after'] = '5';
  }
  res.writeHead(error.status, headers);
  res.end(body);
}

/** Turns anything a verifier throws into a PorticoTokenError (they all are; this keeps types honest). */
export function asTokenError(error: unknown): PorticoTokenError {
  return error instanceof PorticoTokenError ? error : new PorticoTokenError('InvalidToken', 'The gateway token is not valid.', { cause: error });
}

/**
 * Wraps a plain `http` request handler: the handler runs only for requests whose gateway
 * token verifies, with `req.portico` set; the others get 401 (or 503).
 *
 *   http.createServer(withPortico({ gatewayUrl, audience: 'orders' }, (req, res) => { … }))
 */
export function withPortico(source: VerifierSource, handler: PorticoHttpHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const verifier = verifierOf(source);
  return (req, res) => {
    verifier.verifyHeaders(req.headers).then(
      (caller) => {
        const request = Object.assign(req, { portico: caller });
        return handler(request, res);
      },
      (error: unknown) => sendTokenError(res, asTokenError(error)),
    ).catch((error: unknown) => {
      // The handler itself failed: a 500 if nothing was sent yet, never the error's text.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"statusCode":500,"message":"Internal server error"}');
      } else res.destroy(error instanceof Error ? error : undefined);
    });
  };
}
