import type { IncomingMessage, ServerResponse } from 'node:http';
import { asTokenError, sendTokenError, verifierOf, type VerifierSource } from './http.js';
import type { PorticoCaller } from './verifier.js';

/** Express's `next`: call with nothing to continue, with an error to hand it on. */
export type NextFunction = (error?: unknown) => void;

export interface PorticoExpressOptions {
  /**
   * true: refusals go to `next(error)` (a PorticoTokenError with `status`) for your error
   * handler; false (default): the middleware answers 401/503 itself.
   */
  passErrors?: boolean;
}

/**
 * Express middleware (Express 4 and 5; only node's request/response are touched): verifies
 * the gateway token, sets `req.portico`, and calls `next()`.
 *
 *   app.use(porticoExpress({ gatewayUrl, audience: 'orders' }));
 */
export function porticoExpress(
  source: VerifierSource,
  options: PorticoExpressOptions = {},
): (req: IncomingMessage & { portico?: PorticoCaller }, res: ServerResponse, next: NextFunction) => void {
  const verifier = verifierOf(source);
  return (req, res, next) => {
    verifier.verifyHeaders(req.headers).then(
      (caller) => {
        req.portico = caller;
        next();
      },
      (error: unknown) => {
        const refusal = asTokenError(error);
        if (options.passErrors === true) next(refusal);
        else sendTokenError(res, refusal);
      },
    );
  };
}
