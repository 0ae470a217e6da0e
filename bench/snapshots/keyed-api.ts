import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { BENCH_API_PATH, BENCH_SUBSCRIPTION_KEY } from '../systems/route.js';
import { SnapshotBuilder } from './build.js';

/**
 * System (b): one API behind a subscription key, one operation, no policies.
 * With `policy`, systems (c) and (d): the same plus that document at API scope.
 */
export function keyedApiSnapshot(upstreamUrl: string, options: { policy?: string } = {}): ConfigSnapshot {
  const builder = new SnapshotBuilder()
    .api('bench', BENCH_API_PATH, { serviceUrl: upstreamUrl })
    .operation('bench', 'get-hello', 'GET', '/hello')
    .product('starter', ['bench'])
    .subscription('bench-subscription', '/products/starter', BENCH_SUBSCRIPTION_KEY);
  if (options.policy !== undefined) builder.policy({ scope: 'api', apiId: 'bench', format: 'rawxml', value: options.policy });
  return builder.build();
}
