import { parseCommandArguments } from '../arguments.js';
import { EXIT_FAILURE, EXIT_OK, type Command } from '../command.js';
import { runAllInOne } from '../start/run-all-in-one.js';
import { GATEWAY_LISTENER_OPTIONS, gatewayListenerFlags, resolveStartSettings, START_DEFAULTS } from '../start/settings.js';
import { exitEvenIfHandlesLinger } from '../start/shutdown.js';

const HELP = `Usage: portico start [options]

Runs Portico all-in-one: management API and gateway in one process, on an embedded
SQLite store in the data folder. With an empty store (and no --config) it seeds a demo
(an echo API, a product and a subscription) and prints a curl command that calls it.

Options:
  --config FILE        apply a declarative file (YAML/JSON) at start, all-or-nothing
  --data DIR           data folder                      [PORTICO_DATA_DIR, ${START_DEFAULTS.dataDir}]
  --gateway-port N     gateway port, 0 = any free port  [PORTICO_GATEWAY_PORT, ${START_DEFAULTS.gatewayPort}]
  --admin-port N       management API port, 0 = any     [PORTICO_ADMIN_PORT, ${START_DEFAULTS.adminPort}]
  --host H             interface to listen on           [PORTICO_HOST, ${START_DEFAULTS.host}]
  --no-demo            never seed the demo
  --drain-ms N         on SIGTERM/SIGINT, how long in-flight requests may finish [${START_DEFAULTS.drainMs}]
  --workers N|auto     gateway processes sharing the gateway port (node cluster), 1–64;
                       auto = one per core                                   [PORTICO_WORKERS, 1]
  --tls-cert FILE      serve the gateway over HTTPS with this PEM certificate [PORTICO_TLS_CERT]
  --tls-key FILE       the certificate's PEM private key                      [PORTICO_TLS_KEY]
  --tls-client-ca FILE ask clients for a certificate issued by this PEM CA     [PORTICO_TLS_CLIENT_CA]
                       (consumer mTLS; policies decide: validate-client-certificate)
  --tls-client-crl FILE PEM revocation list of that CA: listed client certificates
                       are refused by validate-client-certificate              [PORTICO_TLS_CLIENT_CRL]
  -h, --help           show this help

Environment:
  PORTICO_DATABASE_URL   postgres://… selects PostgreSQL instead of SQLite in the data folder
  PORTICO_ADMIN_TOKEN    bearer token for the management API; when unset one is generated
                         once, saved in the data folder (mode 0600) and printed that first time
`;

export const startCommand: Command = {
  name: 'start',
  summary: 'run gateway + management API all-in-one (embedded store, demo on first run)',
  help: HELP,
  async run(args) {
    const { values, help } = parseCommandArguments('start', args, {
      config: { type: 'string' },
      data: { type: 'string' },
      'admin-port': { type: 'string' },
      'no-demo': { type: 'boolean' },
      ...GATEWAY_LISTENER_OPTIONS,
    });
    if (help) {
      process.stdout.write(HELP);
      return EXIT_OK;
    }
    const text = (name: string): string | undefined => values[name] as string | undefined;
    const settings = resolveStartSettings(
      {
        config: text('config'),
        data: text('data'),
        adminPort: text('admin-port'),
        noDemo: values['no-demo'] === true,
        ...gatewayListenerFlags(text),
      },
      process.env,
    );
    // Signal handlers and servers are in play from here on: make sure the process ends with the code.
    try {
      const code = await runAllInOne(settings);
      exitEvenIfHandlesLinger(code);
      return code;
    } catch (error) {
      exitEvenIfHandlesLinger(EXIT_FAILURE);
      throw error;
    }
  },
};
