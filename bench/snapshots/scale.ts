import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { SnapshotBuilder } from './build.js';

export interface ScaleShape {
  apis: number;
  operationsPerApi: number;
  subscriptions: number;
  products: number;
  backends: number;
}

export const SCALE_SHAPE: ScaleShape = { apis: 1_000, operationsPerApi: 10, subscriptions: 100_000, products: 100, backends: 50 };

// Ten operations in the shapes real APIs have: collections, items, nested items.
const OPERATIONS: readonly (readonly [string, string, string])[] = [
  ['list-items', 'GET', '/items'],
  ['create-item', 'POST', '/items'],
  ['get-item', 'GET', '/items/{id}'],
  ['replace-item', 'PUT', '/items/{id}'],
  ['delete-item', 'DELETE', '/items/{id}'],
  ['item-history', 'GET', '/items/{id}/history'],
  ['list-orders', 'GET', '/orders'],
  ['place-order', 'POST', '/orders'],
  ['get-order', 'GET', '/orders/{orderId}'],
  ['get-order-line', 'GET', '/orders/{orderId}/lines/{lineId}'],
];

export function apiId(index: number): string {
  return `api-${String(index).padStart(4, '0')}`;
}

export function subscriptionKey(index: number): string {
  return `scale-key-${String(index).padStart(6, '0')}-bench`;
}

/** The call the scale runs measure: a templated operation in the middle of the table. */
export const SCALE_TARGET = {
  apiIndex: 500,
  /** Subscription 50050 is scoped to product-50, which holds api-0500…api-0509 (see scopeOf). */
  subscriptionIndex: 50_050,
  path: `/${apiId(500)}/items/42`,
};

/**
 * Mostly product-scoped keys, some API-scoped, a few all-API keys, and a sprinkle of
 * suspended ones: the mix a large tenant has.
 */
function scopeOf(index: number, shape: ScaleShape): string {
  if (index % 50 === 7) return '/apis';
  if (index % 10 === 3) return `/apis/${apiId(index % shape.apis)}`;
  return `/products/product-${index % shape.products}`;
}

function addApi(builder: SnapshotBuilder, index: number, backendId: string, operationsPerApi: number): void {
  const id = apiId(index);
  builder.api(id, id, { backendId });
  for (let op = 0; op < operationsPerApi; op++) {
    const [name, method, template] = OPERATIONS[op % OPERATIONS.length];
    const round = Math.floor(op / OPERATIONS.length);
    // Beyond ten operations per API, later rounds get their own path prefix so templates stay unique.
    builder.operation(id, round === 0 ? name : `${name}-${round}`, method, round === 0 ? template : `/v${round}${template}`);
  }
}

/** 1,000 APIs, 10,000 operations and 100,000 subscriptions (by default), all on one upstream origin. */
export function scaleSnapshot(upstreamUrl: string, shape: ScaleShape = SCALE_SHAPE): ConfigSnapshot {
  const builder = new SnapshotBuilder();
  for (let b = 0; b < shape.backends; b++) builder.backend(`svc-${b}`, `${upstreamUrl}/svc-${b}`);
  for (let a = 0; a < shape.apis; a++) addApi(builder, a, `svc-${a % shape.backends}`, shape.operationsPerApi);
  const perProduct = Math.ceil(shape.apis / shape.products);
  for (let p = 0; p < shape.products; p++) {
    const apis: string[] = [];
    for (let a = p * perProduct; a < Math.min(shape.apis, (p + 1) * perProduct); a++) apis.push(apiId(a));
    builder.product(`product-${p}`, apis);
  }
  for (let s = 0; s < shape.subscriptions; s++) {
    const state = s % 50 === 11 ? 'suspended' : 'active';
    builder.subscription(`sub-${s}`, scopeOf(s, shape), subscriptionKey(s), state);
  }
  return builder.build();
}

/** The 1-API baseline for the scale comparison: the same API, operations and key, alone. */
export function singleApiOfScale(upstreamUrl: string, shape: ScaleShape = SCALE_SHAPE): ConfigSnapshot {
  const builder = new SnapshotBuilder().backend('svc-0', `${upstreamUrl}/svc-0`);
  addApi(builder, SCALE_TARGET.apiIndex, 'svc-0', shape.operationsPerApi);
  builder.product('product-50', [apiId(SCALE_TARGET.apiIndex)]);
  builder.subscription(`sub-${SCALE_TARGET.subscriptionIndex}`, '/products/product-50', subscriptionKey(SCALE_TARGET.subscriptionIndex));
  return builder.build();
}
