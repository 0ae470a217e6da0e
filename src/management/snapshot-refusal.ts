import { DeclarativeFileError } from '../config/declarative/issues.js';
import type { DeclaredResource } from '../config/declarative/types.js';
import { PorticoError, ValidationError, type ErrorDetail } from '../model/errors.js';

/**
 * A write refused because the gateway could not load the configuration it leads to
 * (a backend address it will not call, two operations it cannot tell apart, …). The
 * details keep the gateway's per-object targets, e.g. `backends/b9`.
 */
export class SnapshotRefusedError extends ValidationError {
  constructor(cause: unknown) {
    const details: ErrorDetail[] =
      cause instanceof PorticoError && cause.details.length > 0
        ? cause.details
        : [{ code: 'SnapshotRejected', message: cause instanceof Error ? cause.message : String(cause) }];
    super(`The gateway could not load the configuration this change leads to: ${details.map((d) => d.message).join('; ')}`, details);
  }
}

/** The same refusal for a declarative file: targets like `apis/x/operations/y` become file paths `apis.x.operations.y`. */
export function declarativeRefusal(resources: readonly DeclaredResource[], error: SnapshotRefusedError): DeclarativeFileError {
  const file = resources[0]?.source.file ?? '<declarative>';
  return new DeclarativeFileError(
    file,
    error.details.map((detail) => ({ code: detail.code, path: (detail.target ?? '').replaceAll('/', '.'), message: detail.message })),
  );
}
