/**
 * The real gateway with the real policy engine, for policy integration tests: snapshots
 * built with the shared SnapshotBuilder, plus policy documents, named values and fragments.
 */
import type { ConfigSnapshot, SnapshotNamedValue, SnapshotPolicy } from '../../src/config/snapshot.js';
import type { GatewayServerOptions } from '../../src/gateway/server.js';
import { createPolicyEngine, type CreatePolicyEngineOptions } from '../../src/policies/index.js';
import type { PolicyEngine } from '../../src/policies/index.js';
import type { PolicyFragmentSource } from '../../src/policies/contract/snapshot-view.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

let shared: Promise<PolicyEngine> | undefined;

/** One engine per test file (loading the C# grammar takes a moment). */
export function sharedEngine(): Promise<PolicyEngine> {
  shared ??= createPolicyEngine();
  return shared;
}

export function engineWith(options: CreatePolicyEngineOptions): Promise<PolicyEngine> {
  return createPolicyEngine(options);
}

export interface PolicyExtras {
  policies?: SnapshotPolicy[];
  namedValues?: SnapshotNamedValue[];
  policyFragments?: PolicyFragmentSource[];
}

/** The snapshot with policy documents (and named values, fragments) added. */
export function withPolicies(snapshot: ConfigSnapshot, extras: PolicyExtras): ConfigSnapshot {
  return {
    ...snapshot,
    policies: [...snapshot.policies, ...(extras.policies ?? [])],
    namedValues: [...snapshot.namedValues, ...(extras.namedValues ?? [])],
    ...(extras.policyFragments === undefined ? {} : { policyFragments: extras.policyFragments.map((f) => ({ ...f, format: f.format ?? 'rawxml' })) }),
  };
}

export function apiPolicy(apiId: string, value: string): SnapshotPolicy {
  return { scope: 'api', apiId, format: 'rawxml', value };
}

export function operationPolicy(apiId: string, operationId: string, value: string): SnapshotPolicy {
  return { scope: 'operation', apiId, operationId, format: 'rawxml', value };
}

export function productPolicy(productId: string, value: string): SnapshotPolicy {
  return { scope: 'product', productId, format: 'rawxml', value };
}

export function globalPolicy(value: string): SnapshotPolicy {
  return { scope: 'global', format: 'rawxml', value };
}

/** A document with only an inbound section (the other sections inherit). */
export function inbound(policies: string): string {
  return `<policies><inbound><base />${policies}</inbound></policies>`;
}

export async function startPolicyGateway(
  snapshot: ConfigSnapshot,
  engine?: PolicyEngine,
  options: GatewayServerOptions = {},
): Promise<TestGateway> {
  const policies = engine ?? (await sharedEngine());
  return startTestGateway(snapshot, { ...options, policies: policies.compile });
}
