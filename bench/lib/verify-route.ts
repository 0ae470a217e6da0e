import type { BenchRequest, ExpectedHeader } from '../systems/types.js';
import { UPSTREAM_MARKER } from '../systems/route.js';
import { httpGet } from './http-probe.js';

/**
 * A system is measured only once one request through it reached the upstream: a
 * system answering fast 401s or 404s would otherwise post a flattering number. With
 * `expected`, the response must also carry that header: a policy document that silently
 * did nothing would post a flattering number too.
 * Returns null when fine, else what went wrong.
 */
export async function verifyRoute(port: number, request: BenchRequest, expected?: ExpectedHeader): Promise<string | null> {
  try {
    const response = await httpGet(`http://127.0.0.1:${port}${request.path}`, request.headers);
    if (response.status !== 200) return `route check: status ${response.status}: ${response.body.slice(0, 200)}`;
    if (!response.body.includes(UPSTREAM_MARKER)) return `route check: the body is not the upstream's: ${response.body.slice(0, 200)}`;
    if (expected !== undefined && response.headers[expected.header] !== expected.value) {
      return `route check: header ${expected.header} is ${JSON.stringify(response.headers[expected.header])}, expected ${JSON.stringify(expected.value)}`;
    }
    return null;
  } catch (err) {
    return `route check: ${(err as Error).message}`;
  }
}
