import type { ManagementServerOptions } from '../management/server.js';
import { convertPolicyFormat, createPolicyEngine, type PolicyEngine } from '../policies/index.js';

/** `PORTICO_POLICY_MODULES`: comma-separated module paths of user policies (see docs/policies.md). */
export const POLICY_MODULES_ENV = 'PORTICO_POLICY_MODULES';

export function policyModulesFrom(env: NodeJS.ProcessEnv): string[] {
  return (env[POLICY_MODULES_ENV] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** The policy engine with the built-in policies and the user's, relative paths from the working folder. */
export function openPolicyEngine(policyModules: readonly string[]): Promise<PolicyEngine> {
  return createPolicyEngine({ policyModules, baseDir: process.cwd() });
}

/** What the management layer calls to refuse a policy at save time and to convert formats. */
export function managementPolicyHooks(
  engine: PolicyEngine,
): Pick<ManagementServerOptions, 'checkPolicy' | 'checkPolicyFragment' | 'convertPolicy'> {
  return {
    checkPolicy: engine.checker(),
    checkPolicyFragment: engine.fragmentChecker(),
    convertPolicy: convertPolicyFormat,
  };
}
