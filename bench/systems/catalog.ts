import { join } from 'node:path';
import { startNginx } from '../lib/nginx.js';
import { benchBin, PEERS_DIR, REPO_ROOT } from '../lib/paths.js';
import { redisAnswers } from '../lib/redis-ping.js';
import { startService } from '../lib/service.js';
import { keyedApiSnapshot } from '../snapshots/keyed-api.js';
import { TEN_POLICIES_POLICY, TEN_POLICIES_PROOF } from '../snapshots/ten-policies.js';
import { SET_HEADER_POLICY, TYPICAL_POLICY } from '../snapshots/typical-policy.js';
import { porticoPending, startPortico, writeSnapshot } from './portico.js';
import type { PorticoFeatures } from './portico-features.js';
import { BENCH_PREFIX, BENCH_REQUEST_HEADERS, BENCH_REQUEST_PATH } from './route.js';
import type { ExpectedHeader, HarnessContext, SystemUnderTest } from './types.js';

const request = { path: BENCH_REQUEST_PATH, headers: { ...BENCH_REQUEST_HEADERS } };
const routeUrl = (port: number): string => `http://127.0.0.1:${port}${BENCH_REQUEST_PATH}`;
const always = async (): Promise<null> => null;
const never = async (): Promise<null> => null;

/** System (c): the typical document, with metrics and an access log on. */
function typicalFeatures(ctx: HarnessContext, name: string): PorticoFeatures {
  return { policies: true, metrics: true, accessLogFile: join(ctx.workDir, `${name}.access.log`) };
}

const bare: SystemUnderTest = {
  id: 'bare',
  letter: 'a',
  label: 'bare node http + undici Pool',
  request,
  pending: never,
  unavailable: always,
  start: (ctx, port) =>
    startService({
      name: 'bare',
      command: process.execPath,
      args: [benchBin('bare-proxy'), '--port', String(port), '--upstream', ctx.upstreamUrl, '--prefix', BENCH_PREFIX],
      cwd: REPO_ROOT,
      readyUrl: routeUrl(port),
      ready: (status) => status === 200,
      logDir: ctx.logDir,
    }),
};

interface PorticoVariant {
  id: string;
  letter: string;
  label: string;
  /** The policy document at API scope, if any. */
  policy?: string;
  /** A response header proving the document ran (checked once before measuring). */
  expectHeader?: ExpectedHeader;
  features: (ctx: HarnessContext) => PorticoFeatures;
}

function porticoSystem(variant: PorticoVariant): SystemUnderTest {
  const snapshot = (ctx: HarnessContext) => keyedApiSnapshot(ctx.upstreamUrl, { policy: variant.policy });
  return {
    id: variant.id,
    letter: variant.letter,
    label: variant.label,
    request,
    ...(variant.expectHeader === undefined ? {} : { expectHeader: variant.expectHeader }),
    pending: (ctx) => porticoPending(ctx, variant.features(ctx), snapshot(ctx)),
    unavailable: async (ctx) =>
      variant.features(ctx).redisUrl !== undefined && !(await redisAnswers(ctx.redisUrl)) ? `no Redis answering at ${ctx.redisUrl}` : null,
    start: (ctx, port) =>
      startPortico(ctx, port, {
        name: variant.id,
        snapshotFile: writeSnapshot(ctx, variant.id, snapshot(ctx)),
        features: variant.features(ctx),
      }),
  };
}

const NO_FEATURES: PorticoFeatures = { policies: false, metrics: false };

const portico = porticoSystem({ id: 'portico', letter: 'b', label: 'Portico, keyed API, no policies', features: () => NO_FEATURES });

/** Issue 5's multi-core figure: (b) on 2 gateway workers (node cluster), measured beside (b). */
const porticoTwoWorkers: SystemUnderTest = {
  ...portico,
  id: 'portico-2w',
  label: 'Portico, keyed API, no policies, 2 gateway workers',
  start: (ctx, port) => portico.start({ ...ctx, workers: 2 }, port),
};

/** Issue 3: (b) plus a ten-policy document; measured beside (b), the gap is the document's per-request cost. */
const porticoTenPolicies = porticoSystem({
  id: 'portico-ten-policies',
  letter: 'b',
  label: 'Portico, ten-policy document (issue 3; informative)',
  policy: TEN_POLICIES_POLICY,
  expectHeader: TEN_POLICIES_PROOF,
  features: () => ({ policies: true, metrics: false }),
});

const porticoSetHeader = porticoSystem({
  id: 'portico-set-header',
  letter: 'c',
  label: 'Portico, set-header expression only (part of c; informative)',
  policy: SET_HEADER_POLICY,
  features: () => ({ policies: true, metrics: false }),
});

const porticoTypical = porticoSystem({
  id: 'portico-typical',
  letter: 'c',
  label: 'Portico, typical policy document',
  policy: TYPICAL_POLICY,
  features: (ctx) => typicalFeatures(ctx, 'portico-typical'),
});

const porticoRedis = porticoSystem({
  id: 'portico-redis',
  letter: 'd',
  label: 'Portico, typical document, Redis counters',
  policy: TYPICAL_POLICY,
  features: (ctx) => ({ ...typicalFeatures(ctx, 'portico-redis'), redisUrl: ctx.redisUrl }),
});

const nginx: SystemUnderTest = {
  id: 'nginx',
  letter: 'e',
  label: 'nginx proxy_pass, keep-alive (1 worker)',
  request,
  pending: never,
  unavailable: async (ctx) => (ctx.nginx === null ? 'nginx is not installed (apt-get install -y nginx)' : null),
  start: (ctx, port) =>
    startNginx({
      name: 'nginx',
      executable: ctx.nginx!,
      port,
      workers: 1,
      role: { kind: 'proxy', prefix: BENCH_PREFIX, upstream: ctx.upstreamUrl },
      dir: join(ctx.workDir, 'nginx-proxy'),
      logDir: ctx.logDir,
      readyUrl: routeUrl(port),
    }),
};

function peer(id: string, label: string, script: string, extraEnv: (ctx: HarnessContext) => NodeJS.ProcessEnv): SystemUnderTest {
  return {
    id,
    letter: 'f',
    label,
    request,
    pending: never,
    unavailable: always,
    start: (ctx, port) =>
      startService({
        name: id,
        command: process.execPath,
        args: [join(PEERS_DIR, script)],
        cwd: PEERS_DIR,
        env: { PORT: String(port), UPSTREAM: ctx.upstreamUrl, PREFIX: BENCH_PREFIX, NODE_ENV: 'production', ...extraEnv(ctx) },
        readyUrl: routeUrl(port),
        ready: (status) => status === 200,
        logDir: ctx.logDir,
      }),
  };
}

const fastGateway = peer('fast-gateway', 'fast-gateway 3.4', 'fast-gateway.mjs', () => ({}));
const expressGateway = peer('express-gateway', 'express-gateway 1.16', 'express-gateway.cjs', (ctx) => ({
  CONFIG_DIR: join(ctx.workDir, 'express-gateway'),
  // Its logger prints every proxied call at debug level; keep it at what a production setup would run.
  LOG_LEVEL: 'warn',
}));

/** Every system of the default comparison, in run order; (a) first: it is the baseline. */
export const SYSTEMS: readonly SystemUnderTest[] = [bare, portico, porticoTwoWorkers, porticoTenPolicies, porticoSetHeader, porticoTypical, porticoRedis, nginx, fastGateway, expressGateway];

export const BASELINE_ID = bare.id;
/** Issue 3's pair: the ten-policy document against the same gateway without it. */
export const TEN_POLICIES_ID = porticoTenPolicies.id;
export const NO_POLICIES_ID = portico.id;
export const TWO_WORKERS_ID = porticoTwoWorkers.id;

/** `--systems` accepts ids or the letters (f = both Node peers). */
export function selectSystems(selection: readonly string[] | undefined): SystemUnderTest[] {
  if (selection === undefined || selection.length === 0) return [...SYSTEMS];
  const picked = SYSTEMS.filter((s) => selection.includes(s.id) || selection.includes(s.letter));
  const unknown = selection.filter((name) => !SYSTEMS.some((s) => s.id === name || s.letter === name));
  if (unknown.length > 0) {
    const known = SYSTEMS.map((s) => `${s.letter}:${s.id}`).join(', ');
    throw new Error(`unknown system(s): ${unknown.join(', ')} (known: ${known})`);
  }
  return picked;
}
