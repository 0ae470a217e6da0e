/** Shortcuts for unit tests: one engine per test file, documents compiled against testSnapshot(). */
import { createPolicyEngine, type CreatePolicyEngineOptions } from '../index.js';
import type { PolicyEngine } from '../engine/engine.js';
import type { OperationPipeline } from '../contract/pipeline.js';
import type { PolicyDocumentSource, PolicySnapshot } from '../contract/snapshot-view.js';
import { FakeContext, runPipeline, testSnapshot } from './fake-context.test-helper.js';

let shared: Promise<PolicyEngine> | undefined;

export function testEngine(options?: CreatePolicyEngineOptions): Promise<PolicyEngine> {
  if (options !== undefined) return createPolicyEngine(options);
  shared ??= createPolicyEngine();
  return shared;
}

/** Wraps policies in `<policies><inbound>…</inbound></policies>` (other sections inherit). */
export function inboundDocument(policies: string): string {
  return `<policies><inbound>${policies}</inbound></policies>`;
}

export function outboundDocument(policies: string): string {
  return `<policies><outbound>${policies}</outbound></policies>`;
}

/** Compiles `document` as the API-scope policy of testSnapshot() (plus `extra`). */
export function compileApiPolicy(engine: PolicyEngine, document: string, extra: Partial<PolicySnapshot> = {}): { pipeline: OperationPipeline | undefined; snapshot: PolicySnapshot } {
  const policy: PolicyDocumentSource = { scope: 'api', apiId: 'echo', format: 'rawxml', value: document };
  const snapshot = testSnapshot({ ...extra, policies: [...(extra.policies ?? []), policy] });
  const pipeline = engine.compile({ snapshot, api: snapshot.apis[0], operation: snapshot.operations[0], product: undefined });
  return { pipeline, snapshot };
}

/** Compiles `document` at API scope and runs one request through it. */
export async function runApiPolicy(
  engine: PolicyEngine,
  document: string,
  prepare: (ctx: FakeContext) => void = () => undefined,
  extra: Partial<PolicySnapshot> = {},
): Promise<FakeContext> {
  const { pipeline, snapshot } = compileApiPolicy(engine, document, extra);
  const ctx = new FakeContext().resolve(snapshot);
  prepare(ctx);
  await runPipeline(pipeline, ctx);
  return ctx;
}

/** The details of a refused document (empty when it is accepted). */
export function problemsOf(engine: PolicyEngine, document: string, scope: 'global' | 'product' | 'api' | 'operation' = 'api'): { code: string; message: string; line?: number; column?: number }[] {
  return engine.problems(document, 'rawxml', scope);
}

/** The response body as text (for assertions); '' for none or a stream. */
export function responseText(ctx: FakeContext): string {
  const body = ctx.response?.body;
  if (typeof body === 'string') return body;
  return Buffer.isBuffer(body) ? body.toString('utf8') : '';
}

export { FakeContext, runPipeline, testSnapshot };
