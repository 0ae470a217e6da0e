import { DeclarativeFileError } from '../../config/declarative/issues.js';
import { relocateIssues, type LoadedDeclarativeFile } from '../../config/declarative/load.js';
import { managementPolicyHooks, openPolicyEngine, policyModulesFrom } from '../policy-engine.js';
import { gatewaySnapshotCheck } from '../snapshot-check.js';
import { ManagementService } from '../../management/service.js';
import { Keyring } from '../../store/keyring.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';

/**
 * Applies the file to a throwaway store with the real management service, so `validate`
 * refuses exactly what `start --config` / `apply` would (reference rules, URL and URL
 * template checks, policy compilation) without a server or the user's data.
 */
export async function dryRunApply(loaded: LoadedDeclarativeFile): Promise<void> {
  const policies = await openPolicyEngine(policyModulesFrom(process.env));
  const store = SqliteStore.open({ path: ':memory:' });
  try {
    // An empty env gives an ephemeral key: nothing here outlives the process.
    const keyring = await Keyring.load({ env: {} });
    const service = new ManagementService({ store, keyring, ...managementPolicyHooks(policies), checkSnapshot: gatewaySnapshotCheck(policies) });
    await service.applyDeclared(loaded.resources);
  } catch (error) {
    if (error instanceof DeclarativeFileError) throw relocateIssues(loaded, error);
    throw error;
  } finally {
    await store.close();
    await policies.close();
  }
}
