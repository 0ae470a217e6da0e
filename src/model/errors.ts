/**
 * Every error Portico raises on purpose is a PorticoError: a stable machine `code`,
 * the HTTP `status` it maps to, and optional details naming *where* the problem is
 * (a field path, a file, a line and column). The management API renders these as
 * APIM's `{"error":{"code","message","details"}}`; the CLI prints them with the file.
 */
export interface ErrorDetail {
  /** Stable code, e.g. `ValidationError`, `UnknownField`. */
  code: string;
  /** Where: a field path such as `properties.urlTemplate` or `apis.orders.path`. */
  target?: string;
  message: string;
  line?: number;
  column?: number;
}

export class PorticoError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is wrong; details say which field and why. */
export class ValidationError extends PorticoError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('ValidationError', 400, message, details);
  }
}

export class NotFoundError extends PorticoError {
  constructor(message: string) {
    super('ResourceNotFound', 404, message);
  }
}

/** 412: If-Match did not match the stored ETag. */
export class PreconditionFailedError extends PorticoError {
  constructor(message = 'The entity state does not match the If-Match header (ETag mismatch).') {
    super('PreconditionFailed', 412, message);
  }
}

/** 409: a uniqueness rule (e.g. a subscription key already in use) would be broken. */
export class ConflictError extends PorticoError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('Conflict', 409, message, details);
  }
}

export class UnauthorizedError extends PorticoError {
  constructor(message = 'Missing or invalid bearer token.') {
    super('Unauthorized', 401, message);
  }
}
