/**
 * Observability settings from the environment, for `portico start` and `portico gateway`
 * alike (see docs/observability.md). Bad values stop the start-up with a message naming the
 * variable.
 */
import { ValidationError } from '../../model/errors.js';

/** `stdout` (default), `off`, or a file path the access log is appended to. */
export const ACCESS_LOG_ENV = 'PORTICO_ACCESS_LOG';
/** `on` (default) or `off`: Prometheus metrics and `GET /metrics` on the admin port. */
export const METRICS_ENV = 'PORTICO_METRICS';
/** A scrape token `GET /metrics` accepts besides the admin token. */
export const METRICS_TOKEN_ENV = 'PORTICO_METRICS_TOKEN';
/** `on`: `GET /metrics` needs no token at all (default `off`). */
export const METRICS_PUBLIC_ENV = 'PORTICO_METRICS_PUBLIC';
/** `operation` (default) or `api`: the request series' finest label. */
export const METRICS_DETAIL_ENV = 'PORTICO_METRICS_DETAIL';
/** Comma-separated query parameter names whose values the access log redacts (besides the key parameters). */
export const ACCESS_LOG_REDACT_ENV = 'PORTICO_ACCESS_LOG_REDACT';

export interface ObservabilitySettings {
  /** Where access lines go: 'stdout' or a file path; null when off. */
  accessLog: string | null;
  redactQueryParameters: string[];
  metrics: boolean;
  metricsDetail: 'operation' | 'api';
  /** `GET /metrics` needs no token (PORTICO_METRICS_PUBLIC=on). */
  metricsPublic?: boolean;
  /** A scrape token /metrics accepts besides the admin token. */
  metricsToken?: string;
}

export function observabilityFromEnv(env: NodeJS.ProcessEnv): ObservabilitySettings {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const accessLog = value(ACCESS_LOG_ENV) ?? 'stdout';
  const metrics = switchValue(value(METRICS_ENV), METRICS_ENV, true);
  const detail = value(METRICS_DETAIL_ENV)?.toLowerCase() ?? 'operation';
  if (detail !== 'operation' && detail !== 'api') {
    throw new ValidationError(`${METRICS_DETAIL_ENV} must be "operation" or "api", got "${detail.slice(0, 32)}".`);
  }
  const settings: ObservabilitySettings = {
    accessLog: accessLog.toLowerCase() === 'off' ? null : accessLog.toLowerCase() === 'stdout' ? 'stdout' : accessLog,
    redactQueryParameters: (value(ACCESS_LOG_REDACT_ENV) ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    metrics,
    metricsDetail: detail,
  };
  const token = value(METRICS_TOKEN_ENV);
  if (token !== undefined) settings.metricsToken = token;
  settings.metricsPublic = switchValue(value(METRICS_PUBLIC_ENV), METRICS_PUBLIC_ENV, false);
  return settings;
}

function switchValue(raw: string | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(lower)) return true;
  if (['off', 'false', '0', 'no'].includes(lower)) return false;
  throw new ValidationError(`${name} must be "on" or "off", got "${raw.slice(0, 32)}".`);
}
