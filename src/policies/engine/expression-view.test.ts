import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from './engine.js';
import { inboundDocument, runApiPolicy, testEngine, testSnapshot } from '../testing/unit.test-helper.js';
import type { PolicySnapshot } from '../contract/snapshot-view.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine({ deployment: { Region: 'eu-west', GatewayId: 'gw-7' } });
});

/** Evaluates `expression` in a request through the API policy and returns the forwarded header. */
async function evaluate(expression: string, prepare: Parameters<typeof runApiPolicy>[2] = () => undefined, extra: Partial<PolicySnapshot> = {}): Promise<unknown> {
  const document = inboundDocument(`<set-header name="x-result" exists-action="override"><value>@(${expression})</value></set-header>`);
  const ctx = await runApiPolicy(engine, document, prepare, extra);
  return ctx.forwarded[0].headers['x-result'];
}

const identity = {
  products: [{ id: 'gold', displayName: 'Gold', state: 'published' as const, subscriptionRequired: true, approvalRequired: false, groupIds: ['partners'] }],
  subscriptions: [{ id: 'sub-1', displayName: 'Alice sub', ownerId: '/users/alice' }],
  users: [{ id: 'alice', email: 'alice@example.com', firstName: 'Alice', lastName: 'A', groupIds: ['developers'] }],
  groups: [
    { id: 'developers', displayName: 'Developers' },
    { id: 'partners', displayName: 'Partners' },
  ],
};

describe('the context expressions see', () => {
  it('Request.Url is where the request goes; OriginalUrl what the client called', async () => {
    const prepare = (c: Parameters<NonNullable<Parameters<typeof runApiPolicy>[2]>>[0]): void => {
      c.backendPath = '/items/1';
      c.query = 'a=1';
      c.originalUrl = '/echo/items/1?a=1';
      c.host = 'api.example.com:8443';
    };
    expect(await evaluate('context.Request.Url.ToString()', prepare)).toBe('http://backend.test/base/items/1?a=1');
    expect(await evaluate('context.Request.OriginalUrl.Host + ":" + context.Request.OriginalUrl.Port + context.Request.OriginalUrl.Path', prepare)).toBe(
      'api.example.com:8443/echo/items/1',
    );
    expect(await evaluate('context.Request.Url.Query.GetValueOrDefault("a", "")', prepare)).toBe('1');
  });

  it('exposes the API, operation, deployment and client address', async () => {
    expect(await evaluate('context.Api.Name + "|" + context.Api.Path + "|" + context.Operation.UrlTemplate + "|" + context.Operation.Method')).toBe(
      'Echo|/echo|/items/{id}|GET',
    );
    expect(await evaluate('context.Deployment.Region + "/" + context.Deployment.GatewayId')).toBe('eu-west/gw-7');
    expect(await evaluate('context.Request.IpAddress')).toBe('203.0.113.7');
  });

  it('exposes the product, subscription (with the presented key) and its owner', async () => {
    const prepare = (c: Parameters<NonNullable<Parameters<typeof runApiPolicy>[2]>>[0]): void => {
      // testSnapshot(identity) shares identity's resource objects, which the engine prepared views for.
      c.resolve(testSnapshot(identity), { product: 'gold', subscription: 'sub-1' });
      c.forwardHeaders['ocp-apim-subscription-key'] = 'presented-key';
    };
    const expression =
      'context.Product.Name + "|" + context.Product.Groups.First().Name + "|" + context.Subscription.Name + "|" + context.Subscription.Key + "|" + context.User.Email + "|" + context.User.Groups.First().Id';
    expect(await evaluate(expression, prepare, identity)).toBe('Gold|Partners|Alice sub|presented-key|alice@example.com|developers');
  });

  it('has a request id and a timestamp', async () => {
    expect(await evaluate('context.RequestId.ToString()')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await evaluate('(DateTime.UtcNow - context.Timestamp).TotalSeconds < 60')).toBe('True');
  });
});
