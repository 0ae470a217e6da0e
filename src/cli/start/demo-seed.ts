import type { ManagementService } from '../../management/service.js';
import { DEFAULT_SUBSCRIPTION_KEY_HEADER } from '../../model/resources/api.js';
import type { ResourceKey } from '../../store/types.js';
import { DEMO_ECHO_PREFIX } from './demo-echo.js';
import { DEMO_API_ID, DEMO_BACKEND_ID, DEMO_REQUEST_SUFFIX, DEMO_SUBSCRIPTION_ID, demoResources } from './demo.js';

export interface DemoAccess {
  /** True when this start created the demo (first run on an empty store). */
  seeded: boolean;
  keyHeader: string;
  key: string;
  /** Path on the gateway the printed curl calls, e.g. /echo/hello. */
  requestPath: string;
}

const BACKEND_KEY: ResourceKey = { kind: 'backend', parent: '', id: DEMO_BACKEND_ID };
const API_KEY: ResourceKey = { kind: 'api', parent: '', id: DEMO_API_ID };
const SUBSCRIPTION_KEY: ResourceKey = { kind: 'subscription', parent: '', id: DEMO_SUBSCRIPTION_ID };

/**
 * Seeds the demo into an empty store, and on every start with the demo present points
 * its backend at this process's echo route (the admin port may differ between runs) and
 * reads the demo key back, so the curl line can be printed again. Returns undefined when
 * there is no (complete) demo: the store had other content, or the user removed part of it.
 */
export async function prepareDemo(service: ManagementService, echoUrl: string): Promise<DemoAccess | undefined> {
  let seeded = false;
  if (await service.isEmpty()) {
    await service.applyDeclared(demoResources(echoUrl));
    seeded = true;
  }
  const [backend, api, subscription] = await Promise.all([
    service.find(BACKEND_KEY),
    service.find(API_KEY),
    service.find(SUBSCRIPTION_KEY),
  ]);
  if (!backend || !api || !subscription) return undefined;

  const url = backend.properties.url;
  // Only a URL that still points at a demo echo route is ours to rewrite; a user's edit is kept.
  if (typeof url === 'string' && url !== echoUrl && new URL(url).pathname === DEMO_ECHO_PREFIX) {
    await service.patch(BACKEND_KEY, { url: echoUrl });
  }
  const { primaryKey } = await service.listSubscriptionSecrets(DEMO_SUBSCRIPTION_ID);
  const names = api.properties.subscriptionKeyParameterNames as { header?: string } | undefined;
  return {
    seeded,
    keyHeader: names?.header ?? DEFAULT_SUBSCRIPTION_KEY_HEADER,
    key: primaryKey,
    requestPath: `/${String(api.properties.path)}${DEMO_REQUEST_SUFFIX}`.replace(/^\/\//, '/'),
  };
}
