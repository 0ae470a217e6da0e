import { readFileSync } from 'node:fs';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { createGatewayServer } from '../../src/gateway/server.js';
import { PorticoError } from '../../src/model/errors.js';
import { servePorticoWorkers } from '../lib/portico-workers.js';
import { PENDING_EXIT_CODE } from '../lib/service.js';
import { resolveFeatures } from '../systems/portico-features.js';
import { exitOnSignal, requiredNumber, requiredString, scriptArguments } from './args.js';

/**
 * Portico's gateway alone, serving a static snapshot file, as a system under test.
 * SIGHUP re-reads the file and applies it as the next revision (the scale scenario's
 * reload under load); each reload prints a `BENCH_EVENT` JSON line.
 */
const args = scriptArguments({
  port: { type: 'string' },
  snapshot: { type: 'string' },
  policies: { type: 'boolean' },
  metrics: { type: 'boolean' },
  'access-log': { type: 'string' },
  redis: { type: 'string' },
  workers: { type: 'string' },
});

function pending(reason: string): never {
  process.stderr.write(`PENDING: ${reason}\n`);
  process.exit(PENDING_EXIT_CODE);
}

const workers = args.workers === undefined ? 1 : requiredNumber(args.workers, 'workers');
if (workers > 1) {
  // The product's gateway cluster (`portico start --workers N`); it serves until a signal ends the process.
  const features = { policies: args.policies === true, metrics: args.metrics === true, accessLogFile: args['access-log'], redisUrl: args.redis };
  await servePorticoWorkers({ workers, port: requiredNumber(args.port, 'port'), snapshotFile: requiredString(args.snapshot, 'snapshot'), features });
  await new Promise<never>(() => undefined);
}

const features = await resolveFeatures({
  policies: args.policies === true,
  metrics: args.metrics === true,
  accessLogFile: args['access-log'],
  redisUrl: args.redis,
});
if (features.pending.length > 0) pending(features.pending.join(', '));

const snapshotFile = requiredString(args.snapshot, 'snapshot');
const readSnapshot = (): ConfigSnapshot => JSON.parse(readFileSync(snapshotFile, 'utf8')) as ConfigSnapshot;

const gateway = createGatewayServer(features.options);
try {
  gateway.apply(readSnapshot());
} catch (err) {
  // A policy the engine does not support yet makes the system pending, not broken.
  const unsupported = err instanceof PorticoError ? err.details.filter((d) => d.code === 'PolicyNotYetSupported') : [];
  if (unsupported.length > 0) pending(unsupported.map((d) => d.message).join('; '));
  throw err;
}
await gateway.listen(requiredNumber(args.port, 'port'), '127.0.0.1');

process.on('SIGHUP', () => {
  const started = performance.now();
  const snapshot = readSnapshot();
  const parsed = performance.now();
  snapshot.revision = (gateway.runtime?.revision ?? 0) + 1;
  gateway.apply(snapshot);
  const applied = performance.now();
  const event = { event: 'reload', revision: snapshot.revision, parseMs: parsed - started, applyMs: applied - parsed, at: Date.now() };
  process.stdout.write(`BENCH_EVENT ${JSON.stringify(event)}\n`);
});

exitOnSignal(() => gateway.close({ drainMs: 1_000 }));
