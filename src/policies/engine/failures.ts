/**
 * An error a policy raises on purpose (ip-filter 403, check-header 401, a failed backend
 * status…): it goes to on-error like any error, and without a handler the caller gets
 * `{"statusCode":n,"message":"…"}` with its status — the same body the gateway uses.
 */
import { PorticoError } from '../../model/errors.js';

export class PolicyFailure extends PorticoError {
  /** The JSON body sent when no on-error handler builds a response. */
  readonly body: string;

  constructor(
    status: number,
    /** APIM's `context.LastError.Reason`, e.g. `CallerIpNotAllowed`. */
    readonly reason: string,
    /** What the client is told; never a secret, a stack or an internal address. */
    message: string,
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`Policy${reason}`, status, message);
    this.body = JSON.stringify({ statusCode: status, message });
  }
}
