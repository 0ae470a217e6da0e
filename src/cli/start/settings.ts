import { resolve } from 'node:path';
import { parseMilliseconds, parsePort, UsageError } from '../arguments.js';
import { policyModulesFrom } from '../policy-engine.js';
import { parseWorkers } from './workers/count.js';

/** Everything `portico start` needs to know, after flags have been laid over the environment. */
export interface StartSettings {
  /** Absolute path of the data folder (SQLite file, key material, admin token). */
  dataDir: string;
  gatewayPort: number;
  adminPort: number;
  /** Interface both listeners bind to. */
  host: string;
  configFile?: string;
  /** Seed the demo when the store is empty. */
  demo: boolean;
  /** How long in-flight gateway requests may take to finish on shutdown. */
  drainMs: number;
  databaseUrl?: string;
  /** From PORTICO_ADMIN_TOKEN; when absent one is generated and kept in the data folder. */
  adminToken?: string;
  /** User policy modules (PORTICO_POLICY_MODULES). */
  policyModules: string[];
  /** Serve the gateway over HTTPS from these PEM files (absolute paths); read when starting. */
  tls?: TlsFiles;
  /** Gateway processes; > 1 runs them as node cluster workers (src/cli/start/workers). */
  workers: number;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** CA whose client certificates the gateway asks for (consumer mTLS). */
  clientCaFile?: string;
  /** The client CA's revocation list (needs clientCaFile). */
  clientCrlFile?: string;
}

/** The gateway listener's flags, the same for `portico start` and `portico gateway`. */
export interface GatewayListenerFlags {
  gatewayPort?: string;
  host?: string;
  drainMs?: string;
  workers?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  tlsClientCrl?: string;
}

/** parseArgs options of the GatewayListenerFlags. */
export const GATEWAY_LISTENER_OPTIONS = {
  'gateway-port': { type: 'string' },
  host: { type: 'string' },
  'drain-ms': { type: 'string' },
  workers: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-client-ca': { type: 'string' },
  'tls-client-crl': { type: 'string' },
} as const;

/** The GatewayListenerFlags from parsed values (`text` reads one flag's value). */
export function gatewayListenerFlags(text: (name: keyof typeof GATEWAY_LISTENER_OPTIONS) => string | undefined): GatewayListenerFlags {
  return {
    gatewayPort: text('gateway-port'),
    host: text('host'),
    drainMs: text('drain-ms'),
    workers: text('workers'),
    tlsCert: text('tls-cert'),
    tlsKey: text('tls-key'),
    tlsClientCa: text('tls-client-ca'),
    tlsClientCrl: text('tls-client-crl'),
  };
}

export interface StartFlags extends GatewayListenerFlags {
  config?: string;
  data?: string;
  adminPort?: string;
  noDemo: boolean;
}

export const START_DEFAULTS = {
  dataDir: './.portico',
  gatewayPort: 8080,
  adminPort: 8081,
  // Loopback by default: a laptop emulator should not be reachable from the network
  // unless asked (`--host 0.0.0.0`, as the container image does).
  host: '127.0.0.1',
  drainMs: 10_000,
} as const;

/** Flags win over environment variables, which win over the defaults. */
export function resolveStartSettings(flags: StartFlags, env: NodeJS.ProcessEnv): StartSettings {
  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const port = (flag: string | undefined, variable: string, fallback: number, name: string): number => {
    if (flag !== undefined) return parsePort(flag, name, 'start');
    const value = fromEnv(variable);
    return value === undefined ? fallback : parsePort(value, variable, 'start');
  };
  const host = flags.host ?? fromEnv('PORTICO_HOST') ?? START_DEFAULTS.host;
  if (host.trim() === '') throw new UsageError('--host may not be empty', 'start');

  return {
    dataDir: resolve(flags.data ?? fromEnv('PORTICO_DATA_DIR') ?? START_DEFAULTS.dataDir),
    gatewayPort: port(flags.gatewayPort, 'PORTICO_GATEWAY_PORT', START_DEFAULTS.gatewayPort, '--gateway-port'),
    adminPort: port(flags.adminPort, 'PORTICO_ADMIN_PORT', START_DEFAULTS.adminPort, '--admin-port'),
    host,
    configFile: flags.config,
    demo: !flags.noDemo,
    drainMs: flags.drainMs === undefined ? START_DEFAULTS.drainMs : parseMilliseconds(flags.drainMs, '--drain-ms', 'start'),
    databaseUrl: fromEnv('PORTICO_DATABASE_URL'),
    adminToken: fromEnv('PORTICO_ADMIN_TOKEN'),
    policyModules: policyModulesFrom(env),
    workers: parseWorkers(flags.workers ?? fromEnv('PORTICO_WORKERS') ?? '1', flags.workers === undefined ? 'PORTICO_WORKERS' : '--workers', 'start'),
    tls: tlsFiles(
      flags.tlsCert ?? fromEnv('PORTICO_TLS_CERT'),
      flags.tlsKey ?? fromEnv('PORTICO_TLS_KEY'),
      flags.tlsClientCa ?? fromEnv('PORTICO_TLS_CLIENT_CA'),
      flags.tlsClientCrl ?? fromEnv('PORTICO_TLS_CLIENT_CRL'),
    ),
  };
}

/** The gateway's TLS files from flags or PORTICO_TLS_*; shared with `portico gateway` (hence `command`). */
export function tlsFiles(
  cert: string | undefined,
  key: string | undefined,
  clientCa: string | undefined,
  clientCrl: string | undefined,
  command = 'start',
): TlsFiles | undefined {
  if (clientCrl !== undefined && clientCa === undefined) throw new UsageError('--tls-client-crl needs --tls-client-ca (the CA whose certificates it revokes)', command);
  if (cert === undefined && key === undefined) {
    if (clientCa !== undefined) throw new UsageError('--tls-client-ca needs --tls-cert and --tls-key (the gateway must serve HTTPS)', command);
    return undefined;
  }
  if (cert === undefined) throw new UsageError('--tls-key needs --tls-cert', command);
  if (key === undefined) throw new UsageError('--tls-cert needs --tls-key', command);
  return {
    certFile: resolve(cert),
    keyFile: resolve(key),
    ...(clientCa === undefined ? {} : { clientCaFile: resolve(clientCa) }),
    ...(clientCrl === undefined ? {} : { clientCrlFile: resolve(clientCrl) }),
  };
}
