import { resolve } from 'node:path';
import { observabilityFromEnv } from '../../gateway/observability/env.js';
import { GATEWAY_KEY_SCHEME, tokenGatewayId } from '../../management/gateway-tokens.js';
import { parseMilliseconds, parsePort, UsageError } from '../arguments.js';
import { policyModulesFrom } from '../policy-engine.js';
import { START_DEFAULTS, tlsFiles, type GatewayListenerFlags, type TlsFiles } from '../start/settings.js';
import { parseWorkers } from '../start/workers/count.js';

const COMMAND = 'gateway';

/** Everything `portico gateway` needs to know, after flags have been laid over the environment. */
export interface GatewaySettings {
  /** The control plane's management API, without a trailing slash. */
  managementUrl: string;
  /** The gateway token (without the `GatewayKey ` scheme). Never printed. */
  token: string;
  /** The gateway the token names: whose configuration is pulled. */
  gatewayId: string;
  /** Folder of the encrypted last-good snapshot; none without --backup / PORTICO_DATA_DIR. */
  backupDir?: string;
  gatewayPort: number;
  host: string;
  drainMs: number;
  workers: number;
  policyModules: string[];
  tls?: TlsFiles;
  /** Port of the `GET /metrics` listener (--metrics-port); none by default. */
  metricsPort?: number;
}

export interface GatewayFlags extends GatewayListenerFlags {
  management?: string;
  token?: string;
  backup?: string;
  metricsPort?: string;
}

/** Flags win over environment variables, which win over `portico start`'s defaults. */
export function resolveGatewaySettings(flags: GatewayFlags, env: NodeJS.ProcessEnv): GatewaySettings {
  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const managementUrl = checkedManagementUrl(flags.management ?? fromEnv('PORTICO_MANAGEMENT_URL'));
  const token = checkedToken(flags.token ?? fromEnv('PORTICO_GATEWAY_TOKEN'));
  const host = flags.host ?? fromEnv('PORTICO_HOST') ?? START_DEFAULTS.host;
  if (host.trim() === '') throw new UsageError('--host may not be empty', COMMAND);
  const portText = flags.gatewayPort ?? fromEnv('PORTICO_GATEWAY_PORT');
  const backup = flags.backup ?? fromEnv('PORTICO_DATA_DIR');
  const metricsPort = checkedMetricsPort(flags.metricsPort, fromEnv('PORTICO_METRICS_PORT'), env);
  return {
    managementUrl,
    token: token.token,
    gatewayId: token.gatewayId,
    ...(backup === undefined ? {} : { backupDir: resolve(backup) }),
    gatewayPort: portText === undefined ? START_DEFAULTS.gatewayPort : parsePort(portText, flags.gatewayPort === undefined ? 'PORTICO_GATEWAY_PORT' : '--gateway-port', COMMAND),
    host,
    drainMs: flags.drainMs === undefined ? START_DEFAULTS.drainMs : parseMilliseconds(flags.drainMs, '--drain-ms', COMMAND),
    workers: parseWorkers(flags.workers ?? fromEnv('PORTICO_WORKERS') ?? '1', flags.workers === undefined ? 'PORTICO_WORKERS' : '--workers', COMMAND),
    policyModules: policyModulesFrom(env),
    ...(metricsPort === undefined ? {} : { metricsPort }),
    tls: tlsFiles(
      flags.tlsCert ?? fromEnv('PORTICO_TLS_CERT'),
      flags.tlsKey ?? fromEnv('PORTICO_TLS_KEY'),
      flags.tlsClientCa ?? fromEnv('PORTICO_TLS_CLIENT_CA'),
      flags.tlsClientCrl ?? fromEnv('PORTICO_TLS_CLIENT_CRL'),
      COMMAND,
    ),
  };
}

/**
 * The metrics port, when asked for. A gateway has no admin token, so its /metrics needs a
 * scrape token (PORTICO_METRICS_TOKEN) or an explicit PORTICO_METRICS_PUBLIC=on: the metrics
 * name every API and operation and show their traffic.
 */
function checkedMetricsPort(flag: string | undefined, fromEnv: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const text = flag ?? fromEnv;
  if (text === undefined) return undefined;
  const port = parsePort(text, flag === undefined ? 'PORTICO_METRICS_PORT' : '--metrics-port', COMMAND);
  const observability = observabilityFromEnv(env);
  if (!observability.metrics) throw new UsageError('--metrics-port serves the metrics, but PORTICO_METRICS=off turns them off', COMMAND);
  if (observability.metricsToken === undefined && observability.metricsPublic !== true) {
    throw new UsageError(
      '--metrics-port needs PORTICO_METRICS_TOKEN (the bearer token scrapes must carry) or PORTICO_METRICS_PUBLIC=on: a gateway has no admin token to protect /metrics with',
      COMMAND,
    );
  }
  return port;
}

function checkedManagementUrl(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--management URL (or PORTICO_MANAGEMENT_URL) is required: the management API to pull the configuration from', COMMAND);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--management must be an http:// or https:// URL, got '${value}'`, COMMAND);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--management must be an http:// or https:// URL, got '${value}'`, COMMAND);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError('--management must be a plain URL without credentials, query or fragment', COMMAND);
  }
  return url.toString().replace(/\/+$/, '');
}

/** Accepts the token as generateToken returns it (`GatewayKey edge&…`) or bare. The message never echoes it. */
function checkedToken(value: string | undefined): { token: string; gatewayId: string } {
  if (value === undefined) {
    throw new UsageError('--token TOKEN (or PORTICO_GATEWAY_TOKEN) is required: a token from POST /gateways/{id}/generateToken', COMMAND);
  }
  const token = value.trim().replace(new RegExp(`^${GATEWAY_KEY_SCHEME}[ \\t]+`, 'i'), '');
  const gatewayId = tokenGatewayId(token);
  if (gatewayId === undefined || /\s/.test(token)) {
    throw new UsageError("the gateway token is malformed: expected 'GatewayKey {gatewayId}&{expiry}&{signature}' as generateToken returns it", COMMAND);
  }
  return { token, gatewayId };
}
