import type { BenchRequest } from '../systems/types.js';
import { UPSTREAM_MARKER } from '../systems/route.js';
import { httpGet } from './http-probe.js';

/**
 * A system is measured only once one request through it reached the upstream: a
 * system answering fast 401s or 404s would otherwise post a flattering number.
 * Returns null when fine, else what went wrong.
 */
export async function verifyRoute(port: number, request: BenchRequest): Promise<string | null> {
  try {
    const response = await httpGet(`http://127.0.0.1:${port}${request.path}`, request.headers);
    if (response.status !== 200) return `route check: status ${response.status}: ${response.body.slice(0, 200)}`;
    if (!response.body.includes(UPSTREAM_MARKER)) return `route check: the body is not the upstream's: ${response.body.slice(0, 200)}`;
    return null;
  } catch (err) {
    return `route check: ${(err as Error).message}`;
  }
}
