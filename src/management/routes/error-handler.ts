import type { FastifyError, FastifyInstance } from 'fastify';
import { PorticoError, type ErrorDetail } from '../../model/errors.js';

/** APIM's error body. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

export function errorEnvelope(code: string, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } };
}

/**
 * Every failure leaves as `{"error":{"code","message","details"}}`: Portico errors with
 * their own status and details, fastify's client errors (body too large, bad media
 * type) with theirs, and anything else as a 500 whose cause is logged, never sent.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | PorticoError | Error, request, reply) => {
    if (error instanceof PorticoError) {
      if (error.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
      return reply.status(error.status).send(errorEnvelope(error.code, error.message, error.details));
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send(errorEnvelope(clientErrorCode(error as FastifyError), error.message));
    }
    request.log.error({ err: error }, 'management request failed');
    return reply.status(500).send(errorEnvelope('InternalError', 'An internal error occurred.'));
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply
      .status(404)
      .send(errorEnvelope('ResourceNotFound', `No management API route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}

function clientErrorCode(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'RequestEntityTooLarge';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UnsupportedMediaType';
    default:
      return 'BadRequest';
  }
}
