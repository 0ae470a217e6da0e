/**
 * Why a token was refused, in APIM's vocabulary: `context.LastError.Reason` is one of APIM's
 * validate-jwt reasons and `context.LastError.Message` says what was wrong, while the body
 * the client gets carries only the short public message (or `failed-validation-error-message`),
 * so a caller learns nothing about the keys or the rules it failed.
 */
import { PolicyFailure } from '../engine/failures.js';

export type JwtFailureReason =
  | 'TokenNotPresent'
  | 'TokenSignatureInvalid'
  | 'TokenSignatureKeyNotFound'
  | 'TokenAudienceNotAllowed'
  | 'TokenIssuerNotAllowed'
  | 'TokenExpired'
  | 'TokenClaimNotFound'
  | 'TokenClaimValueNotAllowed'
  | 'JwtInvalid';

/** A refusal before the status and body are known (they may be expressions). */
export class JwtRejection extends Error {
  constructor(
    readonly reason: JwtFailureReason,
    /** For `context.LastError.Message`; holds no key material. */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'JwtRejection';
  }
}

/** APIM's default body messages: the absent token is named, every other failure is not explained. */
export const NOT_PRESENT_MESSAGE = 'JWT not present.';
export const INVALID_MESSAGE = 'Invalid JWT.';

export function defaultBodyMessage(reason: JwtFailureReason): string {
  return reason === 'TokenNotPresent' ? NOT_PRESENT_MESSAGE : INVALID_MESSAGE;
}

/** The error the pipeline sees: its body is the public message, its `message` the detail. */
export class JwtValidationFailure extends PolicyFailure {
  constructor(status: number, rejection: JwtRejection, bodyMessage: string) {
    super(status, rejection.reason, bodyMessage);
    this.message = rejection.detail;
  }
}

/** Token-supplied text quoted in a detail message, cut short so a hostile token cannot bloat logs. */
export function quoted(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `'${clean.slice(0, 80)}…'` : `'${clean}'`;
}

export function rejectNotPresent(): never {
  throw new JwtRejection('TokenNotPresent', NOT_PRESENT_MESSAGE);
}

/** APIM prefixes failures found while validating a present token this way. */
export function reject(reason: JwtFailureReason, what: string): never {
  throw new JwtRejection(reason, `JWT Validation Failed: ${what}`);
}
