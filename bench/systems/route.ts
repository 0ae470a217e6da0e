/**
 * The one route every system under test serves: `GET /bench/hello` → upstream `/hello`.
 * Every request carries the subscription key header, so the bytes on the wire are the
 * same for systems that check it (Portico) and those that only forward it.
 */
export const BENCH_API_PATH = 'bench';
export const BENCH_PREFIX = `/${BENCH_API_PATH}`;
export const BENCH_REQUEST_PATH = `${BENCH_PREFIX}/hello`;

/** A fixed, non-secret key: the bench snapshots register its digest. */
export const BENCH_SUBSCRIPTION_KEY = 'bench0000000000000000000000000000';
export const BENCH_KEY_HEADER = 'Ocp-Apim-Subscription-Key';
export const BENCH_REQUEST_HEADERS: Readonly<Record<string, string>> = { [BENCH_KEY_HEADER]: BENCH_SUBSCRIPTION_KEY };

/** What the upstream answers to every path: a small JSON body, as a typical API call. */
export const UPSTREAM_BODY = '{"ok":true,"service":"bench-upstream","items":[1,2,3]}';
export const UPSTREAM_MARKER = '"service":"bench-upstream"';
