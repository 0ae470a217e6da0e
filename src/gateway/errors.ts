import { PorticoError } from '../model/errors.js';

/**
 * Why a request was refused, in APIM's `context.LastError.Reason` vocabulary where APIM
 * has a word for it, so a later `on-error` policy can branch on the same values.
 */
export type GatewayErrorReason =
  | 'BadRequest'
  | 'PayloadTooLarge'
  | 'OperationNotFound'
  | 'SubscriptionKeyNotFound'
  | 'SubscriptionKeyInvalid'
  | 'BackendConnectionFailure'
  | 'BackendTimeout'
  | 'BackendNotConfigured'
  | 'InvalidBackendUrl'
  | 'ClientClosedRequest'
  | 'InternalError';

/**
 * An error the gateway answers with `{"statusCode":n,"message":"..."}`. The message is
 * what the client sees, so it never carries a stack, a key or an internal address.
 */
export class GatewayError extends PorticoError {
  /** The JSON response body, built once. */
  readonly body: string;

  constructor(
    status: number,
    readonly reason: GatewayErrorReason,
    message: string,
  ) {
    super(`Gateway${reason}`, status, message);
    this.body = gatewayErrorBody(status, message);
  }
}

export const GATEWAY_MESSAGES = {
  notFound: 'Resource not found',
  missingKey:
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  invalidKey:
    'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
  backendUnreachable: 'The backend service could not be reached.',
  backendTimeout: 'The backend service did not respond in time.',
  backendNotConfigured: 'No backend service is configured for this API.',
  payloadTooLarge: 'The request body is larger than this gateway accepts.',
  internal: 'Internal server error',
} as const;

/**
 * The refusals an unauthenticated client can trigger at will are preallocated: building
 * an Error captures a stack, which would make a 404/401 flood cost more than a success.
 * They are immutable, so sharing them between requests is safe.
 */
export function preallocatedError(status: number, reason: GatewayErrorReason, message: string): GatewayError {
  const error = new GatewayError(status, reason, message);
  Object.freeze(error);
  return error;
}

export const OPERATION_NOT_FOUND = preallocatedError(404, 'OperationNotFound', GATEWAY_MESSAGES.notFound);
export const MISSING_SUBSCRIPTION_KEY = preallocatedError(401, 'SubscriptionKeyNotFound', GATEWAY_MESSAGES.missingKey);
export const INVALID_SUBSCRIPTION_KEY = preallocatedError(401, 'SubscriptionKeyInvalid', GATEWAY_MESSAGES.invalidKey);

/** The client went away mid-request; never sent, it only ends the pipeline (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = preallocatedError(499, 'ClientClosedRequest', 'The client closed the request.');

export const PAYLOAD_TOO_LARGE = preallocatedError(413, 'PayloadTooLarge', GATEWAY_MESSAGES.payloadTooLarge);

/** The JSON body APIM's gateway uses for its own errors. */
export function gatewayErrorBody(status: number, message: string): string {
  return JSON.stringify({ statusCode: status, message });
}
