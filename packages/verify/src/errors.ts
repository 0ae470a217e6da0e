/**
 * Why a request was refused. `status` is what to answer: 401 when the caller's token is
 * missing or not acceptable, 503 when the gateway's keys could not be fetched (not the
 * caller's fault; retrying later may work). Messages never repeat the token.
 */
export type PorticoTokenErrorCode =
  | 'MissingToken'
  | 'MalformedToken'
  | 'TokenExpired'
  | 'InvalidToken'
  | 'KeysUnavailable';

export class PorticoTokenError extends Error {
  readonly status: 401 | 503;

  constructor(
    readonly code: PorticoTokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PorticoTokenError';
    this.status = code === 'KeysUnavailable' ? 503 : 401;
  }
}
