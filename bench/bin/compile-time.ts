import { readFileSync } from 'node:fs';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { compileRuntime } from '../../src/gateway/runtime.js';
import { createGatewayServer } from '../../src/gateway/server.js';
import { requiredNumber, requiredString, scriptArguments } from './args.js';

/**
 * Times the in-process cost of taking a snapshot live, in a fresh process so the first
 * (cold, unoptimised) compile is measured as an operator's first start would see it.
 * Prints one `BENCH_EVENT` JSON line.
 */
const args = scriptArguments({ snapshot: { type: 'string' }, repeat: { type: 'string' } });
const repeat = args.repeat === undefined ? 3 : requiredNumber(args.repeat, 'repeat');

const readStarted = performance.now();
const text = readFileSync(requiredString(args.snapshot, 'snapshot'), 'utf8');
const parseStarted = performance.now();
const snapshot = JSON.parse(text) as ConfigSnapshot;
const parseMs = performance.now() - parseStarted;
const readMs = parseStarted - readStarted;

const time = (work: () => void): number => {
  const started = performance.now();
  work();
  return performance.now() - started;
};

const coldCompileMs = time(() => compileRuntime(snapshot));
const warmCompileMs: number[] = [];
for (let i = 0; i < repeat; i++) warmCompileMs.push(time(() => compileRuntime(snapshot)));

// apply() = compile + attaching pools + the swap: what a reload costs the serving process.
const gateway = createGatewayServer();
const applyMs: number[] = [];
for (let i = 0; i < repeat; i++) applyMs.push(time(() => gateway.apply({ ...snapshot, revision: snapshot.revision + i })));
await gateway.close({ drainMs: 0 });

const event = {
  event: 'compile-time',
  bytes: Buffer.byteLength(text),
  apis: snapshot.apis.length,
  operations: snapshot.operations.length,
  subscriptions: snapshot.subscriptions.length,
  readMs,
  parseMs,
  coldCompileMs,
  warmCompileMs,
  applyMs,
  rssBytes: process.memoryUsage.rss(),
};
process.stdout.write(`BENCH_EVENT ${JSON.stringify(event)}\n`);
