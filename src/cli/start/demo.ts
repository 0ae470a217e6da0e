import type { DeclaredResource } from '../../config/declarative/types.js';
import { DEMO_ECHO_PREFIX } from './demo-echo.js';

export const DEMO_BACKEND_ID = 'echo-backend';
export const DEMO_API_ID = 'echo';
export const DEMO_PRODUCT_ID = 'starter';
export const DEMO_SUBSCRIPTION_ID = 'demo';
/** What the printed curl command calls below the echo API's path: any path works. */
export const DEMO_REQUEST_SUFFIX = '/hello';

const DEMO_SOURCE = 'demo';

/** The demo backend's URL: the echo route on this process's admin listener. */
export function demoEchoUrl(adminBaseUrl: string): string {
  return `${adminBaseUrl}${DEMO_ECHO_PREFIX}`;
}

/**
 * The first-run demo, as declared resources so it goes through the same all-or-nothing
 * path as a `--config` file: an echo API over the admin listener's echo route, in a
 * published product, with an active subscription whose key the management layer generates.
 */
export function demoResources(echoUrl: string): DeclaredResource[] {
  const resource = (
    kind: DeclaredResource['kind'],
    parent: string,
    id: string,
    properties: Record<string, unknown>,
    path: string,
  ): DeclaredResource => ({ kind, parent, id, properties, source: { file: DEMO_SOURCE, path } });

  const apiParent = `apis/${DEMO_API_ID}`;
  const operations = ['GET', 'POST', 'PUT', 'DELETE'].map((method) => {
    const id = `${method.toLowerCase()}-anything`;
    return resource(
      'operation',
      apiParent,
      id,
      { displayName: `${method} anything`, method, urlTemplate: '/*' },
      `apis.${DEMO_API_ID}.operations.${id}`,
    );
  });

  return [
    resource(
      'backend',
      '',
      DEMO_BACKEND_ID,
      {
        url: echoUrl,
        protocol: 'http',
        title: 'Demo echo',
        description: 'Echo route on the admin listener; Portico rewrites this URL when the admin port changes.',
      },
      `backends.${DEMO_BACKEND_ID}`,
    ),
    resource(
      'api',
      '',
      DEMO_API_ID,
      {
        displayName: 'Echo',
        description: 'Demo API: answers with the request it received.',
        path: DEMO_API_ID,
        protocols: ['http', 'https'],
        backendId: DEMO_BACKEND_ID,
        subscriptionRequired: true,
      },
      `apis.${DEMO_API_ID}`,
    ),
    ...operations,
    resource(
      'product',
      '',
      DEMO_PRODUCT_ID,
      { displayName: 'Starter', description: 'Demo product holding the echo API.', state: 'published', subscriptionRequired: true, approvalRequired: false },
      `products.${DEMO_PRODUCT_ID}`,
    ),
    resource('productApi', `products/${DEMO_PRODUCT_ID}`, DEMO_API_ID, {}, `products.${DEMO_PRODUCT_ID}.apis[0]`),
    resource(
      'subscription',
      '',
      DEMO_SUBSCRIPTION_ID,
      { displayName: 'Demo', scope: `/products/${DEMO_PRODUCT_ID}`, state: 'active' },
      `subscriptions.${DEMO_SUBSCRIPTION_ID}`,
    ),
  ];
}
