import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { buildOpenApiDocument } from './openapi.js';
import type { SnapshotPublisher } from './publisher.js';
import type { PolicyChecker, PolicyFragmentChecker } from './policy-checks.js';
import { registerActionRoutes } from './routes/action-handlers.js';
import { rewriteArmUrl } from './routes/arm-prefix.js';
import { registerBearerAuth } from './routes/auth.js';
import { registerErrorHandlers } from './routes/error-handler.js';
import { registerJsonBodyParser } from './routes/json-body.js';
import { registerGatewayRoutes, type SnapshotFeed } from './routes/gateway-handlers.js';
import { registerLinkRoutes } from './routes/link-handlers.js';
import { registerMetricsRoute, type MetricsEndpoint } from './routes/metrics.js';
import { registerResourceRoutes, type PolicyConverter } from './routes/resource-handlers.js';
import { LINK_ROUTES, RESOURCE_ROUTES } from './routes/route-table.js';
import { registerSigningKeyRoutes } from './routes/signing-key-handlers.js';
import type { ManagementKeyring } from './rules/types.js';
import { ManagementService, type SnapshotChecker } from './service.js';

/** Management request bodies are resource documents; 1 MiB holds the largest policy comfortably. */
export const DEFAULT_MANAGEMENT_BODY_LIMIT = 1024 * 1024;

export interface ManagementServerOptions {
  store: Store;
  keyring: ManagementKeyring;
  /** Bearer token every non-public route requires. */
  adminToken: string;
  /**
   * Rebuilds and publishes the gateway snapshot after each committed write. When it also
   * offers `current` and `subscribe` (the SnapshotPublisher does), self-hosted gateways
   * can pull their configuration from `/gateways/{id}/configuration`.
   */
  publisher?: Pick<SnapshotPublisher, 'schedule'> & Partial<SnapshotFeed>;
  logger?: Logger;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** Save-time policy compiler (the policies module), see ManagementService. */
  checkPolicy?: PolicyChecker;
  /** Save-time policy fragment compiler (the policies module), see ManagementService. */
  checkPolicyFragment?: PolicyFragmentChecker;
  /** rawxml ⇄ xml rewriting for `GET …?format=` on policies and fragments; without it the saved format is returned. */
  convertPolicy?: PolicyConverter;
  /** Compiles the snapshot a write leads to before it commits (see ManagementService). */
  checkSnapshot?: SnapshotChecker;
  /** Serves `GET /metrics` (Prometheus); see routes/metrics.ts for its token. */
  metrics?: MetricsEndpoint;
}

export interface ManagementServer {
  /**
   * The fastify instance, for other plugins (demo echo route, portal). Routes are
   * behind the bearer token unless registered with `{ config: { public: true } }`.
   */
  app: FastifyInstance;
  service: ManagementService;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

function snapshotFeedOf(publisher: ManagementServerOptions['publisher']): SnapshotFeed | undefined {
  if (publisher?.current === undefined || publisher.subscribe === undefined) return undefined;
  return { current: publisher.current.bind(publisher), subscribe: publisher.subscribe.bind(publisher) };
}

export function createManagementServer(options: ManagementServerOptions): ManagementServer {
  const service = new ManagementService({
    store: options.store,
    keyring: options.keyring,
    onCommit: () => options.publisher?.schedule(),
    checkPolicy: options.checkPolicy,
    checkPolicyFragment: options.checkPolicyFragment,
    checkSnapshot: options.checkSnapshot,
  });
  // Typed as the base logger so plugins see a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger | undefined = options.logger;
  const app: FastifyInstance = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_MANAGEMENT_BODY_LIMIT,
    rewriteUrl: rewriteArmUrl,
    // Long enough that an over-long id reaches validation (a 400 naming it) instead of a bare 404.
    routerOptions: { maxParamLength: 1024 },
    exposeHeadRoutes: true,
    return503OnClosing: true,
    // fastify's per-request log lines carry the URL, and a query may carry a subscription
    // key (the demo echo route, `?subscription-key=`); errors are still logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
  });

  registerErrorHandlers(app);
  registerJsonBodyParser(app);
  registerBearerAuth(app, options.adminToken);

  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
  const openApi = buildOpenApiDocument();
  app.get('/openapi.json', { config: { public: true } }, async () => openApi);
  if (options.metrics !== undefined) registerMetricsRoute(app, options.metrics, options.adminToken);

  for (const route of RESOURCE_ROUTES) registerResourceRoutes(app, service, route, options.convertPolicy);
  for (const route of LINK_ROUTES) registerLinkRoutes(app, service, route);
  registerActionRoutes(app, service);
  registerSigningKeyRoutes(app, service);
  registerGatewayRoutes(app, service, snapshotFeedOf(options.publisher));

  return {
    app,
    service,
    async listen(port: number, host = '127.0.0.1') {
      // Before the first request: every gateway snapshot from now on carries signing keys.
      await service.ensureSigningKeys();
      await app.listen({ port, host });
      return app.server.address() as AddressInfo;
    },
    async close() {
      await app.close();
    },
  };
}
