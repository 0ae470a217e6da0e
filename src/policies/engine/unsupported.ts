/**
 * APIM policies Portico knows but does not run, each refused at save time with a message
 * saying why — so a document copied from APIM fails with a reason, not "unknown policy".
 */

/** Limits, caching and authentication policies arrive with their own issue (they need shared counters and caches). */
const LATER_ISSUE = new Set<string>([
]);

/** Policies that call an Azure service; Portico runs outside Azure and has none of them. */
const AZURE_SERVICE: ReadonlyMap<string, string> = new Map([
  ['authentication-managed-identity', 'Azure managed identity'],
  ['validate-azure-ad-token', 'Microsoft Entra ID'],
  ['get-authorization-context', 'the API Management credential manager'],
  ['log-to-eventhub', 'Azure Event Hubs'],
  ['send-service-bus-message', 'Azure Service Bus'],
  ['emit-metric', 'Azure Monitor'],
  ['azure-openai-token-limit', 'Azure OpenAI'],
  ['azure-openai-emit-token-metric', 'Azure OpenAI'],
  ['azure-openai-semantic-cache-lookup', 'Azure OpenAI'],
  ['azure-openai-semantic-cache-store', 'Azure OpenAI'],
  ['llm-token-limit', 'Azure AI model inference'],
  ['llm-emit-token-metric', 'Azure AI model inference'],
  ['llm-semantic-cache-lookup', 'Azure AI model inference'],
  ['llm-semantic-cache-store', 'Azure AI model inference'],
  ['llm-content-safety', 'Azure AI Content Safety'],
  ['cosmosdb-data-source', 'Azure Cosmos DB'],
  ['sql-data-source', 'Azure SQL'],
  ['publish-to-dapr', 'Dapr (the self-hosted gateway sidecar)'],
  ['invoke-dapr-binding', 'Dapr (the self-hosted gateway sidecar)'],
]);

/** Other APIM policies not implemented yet. */
const NOT_YET = new Set([
  'validate-content',
  'validate-parameters',
  'validate-headers',
  'validate-status-code',
  'validate-odata-request',
  'validate-graphql-request',
  'xsl-transform',
  'redirect-content-urls',
  'jsonp',
  'proxy',
  'set-graphql-resolver',
  'http-data-source',
  'publish-event',
  'sse',
]);

export interface Unsupported {
  readonly code: 'PolicyNotYetSupported' | 'AzureServicePolicy';
  readonly message: string;
}

export function unsupportedPolicy(name: string): Unsupported | undefined {
  if (LATER_ISSUE.has(name)) {
    return {
      code: 'PolicyNotYetSupported',
      message: `<${name}> is not supported yet: limits, caching and authentication policies come with the limits/caching/auth issue`,
    };
  }
  const service = AZURE_SERVICE.get(name);
  if (service !== undefined) {
    return {
      code: 'AzureServicePolicy',
      message: `<${name}> needs ${service}, an Azure service Portico does not have; remove it or replace it with a policy that does the same against your own service`,
    };
  }
  if (NOT_YET.has(name)) return { code: 'PolicyNotYetSupported', message: `<${name}> is an APIM policy Portico does not support yet` };
  return undefined;
}

/** True for refusals caused by the later limits/caching/auth issue (used by the fixture tests). */
export function isLaterIssuePolicy(name: string): boolean {
  return LATER_ISSUE.has(name);
}
