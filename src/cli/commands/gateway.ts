import { parseCommandArguments } from '../arguments.js';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command.js';
import { runGateway } from '../gateway/run-gateway.js';
import { resolveGatewaySettings } from '../gateway/settings.js';
import { GATEWAY_LISTENER_OPTIONS, gatewayListenerFlags, START_DEFAULTS } from '../start/settings.js';
import { exitEvenIfHandlesLinger } from '../start/shutdown.js';

const HELP = `Usage: portico gateway --management URL --token TOKEN [options]

Runs a self-hosted gateway (data plane only). It pulls the configuration of the APIs
assigned to its gateway resource from the management API, serves it, and long-polls for
changes. When management is away it keeps serving the last good configuration; with
--backup it also keeps that configuration on disk (encrypted) and can start from it.

Options:
  --management URL     the management API (portico start's admin URL)  [PORTICO_MANAGEMENT_URL]
  --token TOKEN        gateway token from POST /gateways/{id}/generateToken,
                       'GatewayKey …' or bare; it names the gateway       [PORTICO_GATEWAY_TOKEN]
  --backup DIR         keep the last good configuration here (encrypted with a key
                       derived from the token) and start from it when management
                       is unreachable                                     [PORTICO_DATA_DIR]
  --gateway-port N     gateway port, 0 = any free port  [PORTICO_GATEWAY_PORT, ${START_DEFAULTS.gatewayPort}]
  --host H             interface to listen on           [PORTICO_HOST, ${START_DEFAULTS.host}]
  --drain-ms N         on SIGTERM/SIGINT, how long in-flight requests may finish [${START_DEFAULTS.drainMs}]
  --workers N|auto     gateway processes sharing the port (node cluster), 1–64;
                       auto = one per core                                [PORTICO_WORKERS, 1]
  --tls-cert FILE      serve HTTPS with this PEM certificate              [PORTICO_TLS_CERT]
  --tls-key FILE       the certificate's PEM private key                  [PORTICO_TLS_KEY]
  --tls-client-ca FILE ask clients for a certificate issued by this PEM CA [PORTICO_TLS_CLIENT_CA]
  --tls-client-crl FILE PEM revocation list of that CA                    [PORTICO_TLS_CLIENT_CRL]
  --metrics-port N     serve GET /metrics on this port (0 = any free port); scrapes
                       carry PORTICO_METRICS_TOKEN, unless PORTICO_METRICS_PUBLIC=on
                                                                          [PORTICO_METRICS_PORT]
  -h, --help           show this help

Environment:
  PORTICO_REDIS_URL    redis://… shares rate-limit/quota counters and the external cache
                       across gateway replicas (else they count in this process's memory)

See docs/gateway.md.
`;

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'run a self-hosted gateway that pulls its configuration from a management API',
  help: HELP,
  async run(args) {
    const { values, help } = parseCommandArguments('gateway', args, {
      management: { type: 'string' },
      token: { type: 'string' },
      backup: { type: 'string' },
      'metrics-port': { type: 'string' },
      ...GATEWAY_LISTENER_OPTIONS,
    });
    if (help) {
      process.stdout.write(HELP);
      return EXIT_OK;
    }
    const text = (name: string): string | undefined => values[name] as string | undefined;
    const settings = resolveGatewaySettings(
      {
        management: text('management'),
        token: text('token'),
        backup: text('backup'),
        metricsPort: text('metrics-port'),
        ...gatewayListenerFlags(text),
      },
      process.env,
    );
    // Signal handlers, servers and timers are in play from here on: make sure the process ends with the code.
    try {
      const code = await runGateway(settings);
      exitEvenIfHandlesLinger(code);
      return code;
    } catch (error) {
      exitEvenIfHandlesLinger(EXIT_FAILURE);
      throw error;
    }
  },
};
