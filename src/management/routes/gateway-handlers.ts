import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import { etagHeader } from '../etag-match.js';
import { snapshotForGateway } from '../gateway-snapshot.js';
import { GATEWAY_KEY_SCHEME, gatewayTokenOf } from '../gateway-tokens.js';
import type { ManagementService } from '../service.js';
import { errorEnvelope } from './error-handler.js';
import { generateTokenBody, knownRevisionOf, regenerateKeyBody, waitSecondsOf } from './gateway-body.js';
import { paramsOf, queryOf, queryValue } from './request-parts.js';

/** Where the configuration endpoint reads published snapshots (the SnapshotPublisher). */
export interface SnapshotFeed {
  current(): ConfigSnapshot | undefined;
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void;
}

/** The path `portico gateway` pulls its configuration from (a Portico extension). */
export const GATEWAY_CONFIGURATION_PATH = '/gateways/:gatewayId/configuration';

/**
 * APIM's gateway key actions (`listKeys`, `regenerateKey`, `generateToken`) and the
 * configuration pull of `portico gateway`: authorised by `Authorization: GatewayKey
 * <token>` instead of the admin token, it answers the snapshot cut for that gateway with
 * `ETag` = its revision; `If-None-Match` with `?waitSeconds=N` is a long poll that
 * answers as soon as a newer revision is published (or 304 when none came).
 */
export function registerGatewayRoutes(app: FastifyInstance, service: ManagementService, feed: SnapshotFeed | undefined): void {
  app.post('/gateways/:gatewayId/listKeys', async (request, reply) => {
    const keys = await service.listGatewayKeys(paramsOf(request).gatewayId);
    return reply
      .header('ETag', etagHeader(keys.etag))
      .header('Cache-Control', 'no-store')
      .send({ primary: keys.primary, secondary: keys.secondary });
  });

  app.post('/gateways/:gatewayId/regenerateKey', async (request, reply) => {
    const view = await service.regenerateGatewayKey(paramsOf(request).gatewayId, regenerateKeyBody(request.body));
    return reply.status(204).header('ETag', etagHeader(view.etag)).send();
  });

  app.post('/gateways/:gatewayId/generateToken', async (request, reply) => {
    const { keyType, expiry } = generateTokenBody(request.body);
    const token = await service.generateGatewayToken(paramsOf(request).gatewayId, keyType, expiry);
    return reply.header('Cache-Control', 'no-store').send({ value: `${GATEWAY_KEY_SCHEME} ${token}` });
  });

  // Long polls end (with 304) when the server stops, so a shutdown does not wait them out.
  const waiting = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const release of [...waiting]) release();
  });

  app.get(GATEWAY_CONFIGURATION_PATH, { config: { public: true } }, async (request, reply) => {
    const { gatewayId } = paramsOf(request);
    const token = gatewayTokenOf(request.headers.authorization);
    if (token === undefined) {
      return refuse(reply, `Missing 'Authorization: ${GATEWAY_KEY_SCHEME} <token>' header; generate a token with POST /gateways/${gatewayId}/generateToken.`);
    }
    const check = await service.checkGatewayToken(gatewayId, token);
    if (!check.ok) return refuse(reply, check.reason);
    const waitMs = waitSecondsOf(queryValue(queryOf(request), 'waitSeconds')) * 1000;
    if (feed === undefined) return notReady(reply, 'This management server publishes no configuration snapshots.');

    const known = knownRevisionOf(request.headers['if-none-match'], feed.current()?.revision);
    const snapshot = await newerThan(feed, known, waitMs, waiting, (release) => reply.raw.once('close', release));
    if (snapshot === undefined) {
      if (known !== undefined && feed.current()?.revision === known) return reply.status(304).header('ETag', `"${known}"`).send();
      return notReady(reply, 'No configuration snapshot has been published yet.');
    }
    const own = snapshotForGateway(snapshot, gatewayId);
    // The gateway was created after this snapshot was built; the next one, moments away, has it.
    if (own === undefined) return notReady(reply, `The configuration of gateway '${gatewayId}' is being built.`);
    return reply.header('ETag', `"${own.revision}"`).header('Cache-Control', 'no-store').send(own);
  });
}

function refuse(reply: FastifyReply, message: string): FastifyReply {
  return reply.status(401).header('WWW-Authenticate', GATEWAY_KEY_SCHEME).send(errorEnvelope('Unauthorized', message));
}

function notReady(reply: FastifyReply, message: string): FastifyReply {
  return reply.status(503).header('Retry-After', '1').send(errorEnvelope('ConfigurationNotReady', message));
}

/**
 * The published snapshot when its revision differs from `known`; otherwise waits up to
 * `waitMs` for the next one. Undefined when none came (timeout, client gone, server closing).
 */
function newerThan(
  feed: SnapshotFeed,
  known: number | undefined,
  waitMs: number,
  waiting: Set<() => void>,
  onClientGone: (release: () => void) => void,
): Promise<ConfigSnapshot | undefined> {
  const current = feed.current();
  if (current !== undefined && current.revision !== known) return Promise.resolve(current);
  if (waitMs === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (snapshot: ConfigSnapshot | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      waiting.delete(release);
      resolve(snapshot);
    };
    const release = (): void => finish(undefined);
    const timer = setTimeout(release, waitMs);
    waiting.add(release);
    onClientGone(release);
    const stop = feed.subscribe((snapshot) => {
      if (known === undefined || snapshot.revision > known) finish(snapshot);
    });
    // subscribe may have delivered (and finished) synchronously.
    if (done) stop();
    else unsubscribe = stop;
  });
}
