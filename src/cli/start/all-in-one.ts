import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createGatewayServer, type GatewayServer } from '../../gateway/server.js';
import { SnapshotPublisher } from '../../management/publisher.js';
import { createManagementServer, type ManagementServer } from '../../management/server.js';
import type { ManagementService } from '../../management/service.js';
import { PorticoError } from '../../model/errors.js';
import { Keyring } from '../../store/keyring.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/types.js';
import type { PolicyEngine } from '../../policies/index.js';
import { openCounterStore } from '../../counters/open.js';
import type { CounterStore } from '../../counters/types.js';
import { REDIS_URL_ENV, managementPolicyHooks, openPolicyEngine } from '../policy-engine.js';
import { gatewaySnapshotCheck } from '../snapshot-check.js';
import { registerDemoEcho } from './demo-echo.js';
import type { StartSettings } from './settings.js';

/** A start-up failure the operator can fix (port taken, data folder unusable): one line, no stack. */
export class StartupError extends PorticoError {
  constructor(message: string) {
    super('StartupFailed', 500, message);
  }
}

/** The running parts of `portico start`, wired together, not yet listening. */
export interface AllInOne {
  service: ManagementService;
  listenAdmin(): Promise<AddressInfo>;
  listenGateway(): Promise<AddressInfo>;
  /** Resolves once the gateway serves a snapshot of everything committed so far. */
  publishLatest(): Promise<void>;
  /** Stops both listeners (the gateway drains for up to `drainMs`), then flushes and closes the store. */
  close(drainMs: number): Promise<void>;
}

export async function openAllInOne(settings: StartSettings, adminToken: string, logger: Logger): Promise<AllInOne> {
  const keyring = await Keyring.load({ dataDir: settings.dataDir, env: process.env });
  const counters = await openCounterStore({
    redisUrl: process.env[REDIS_URL_ENV],
    // The URL may hold a password, so only the error's message is logged.
    onError: (error) => logger.warn({ err: { message: error.message } }, 'rate-limit counter store error'),
  });
  const policies = await openPolicyEngine(settings.policyModules, counters).catch(async (error: unknown) => {
    await counters.close();
    throw error;
  });
  const store = await openStore({ dataDir: settings.dataDir, databaseUrl: settings.databaseUrl });
  try {
    const publisher = new SnapshotPublisher({ store, keyring, logger });
    const management = createManagementServer({
      store,
      keyring,
      adminToken,
      publisher,
      logger,
      ...managementPolicyHooks(policies),
      checkSnapshot: gatewaySnapshotCheck(policies),
    });
    if (settings.demo) await registerDemoEcho(management.app);
    const gateway = createGatewayServer({ logger, policies: policies.compile });
    gateway.attach(publisher);
    return wire(settings, store, publisher, management, gateway, policies, counters);
  } catch (error) {
    await store.close();
    await policies.close();
    await counters.close();
    throw error;
  }
}

function wire(
  settings: StartSettings,
  store: Store,
  publisher: SnapshotPublisher,
  management: ManagementServer,
  gateway: GatewayServer,
  policies: PolicyEngine,
  counters: CounterStore,
): AllInOne {
  return {
    service: management.service,
    listenAdmin: () => listenOrExplain('admin', settings.host, settings.adminPort, () => management.listen(settings.adminPort, settings.host)),
    listenGateway: () =>
      listenOrExplain('gateway', settings.host, settings.gatewayPort, () => gateway.listen(settings.gatewayPort, settings.host)),
    async publishLatest() {
      await publisher.refresh();
      if (!gateway.runtime) throw new StartupError('the gateway did not accept the configuration snapshot (see the log above)');
    },
    async close(drainMs) {
      // Both listeners stop accepting at once; the store closes last, after every write has finished.
      await Promise.allSettled([gateway.close({ drainMs }), management.close()]);
      await publisher.close();
      await store.close();
      await policies.close();
      await counters.close();
    },
  };
}

async function listenOrExplain(name: string, host: string, port: number, listen: () => Promise<AddressInfo>): Promise<AddressInfo> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new StartupError(`cannot listen for the ${name} on ${host}:${port}: ${reason}`);
  }
}
