import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { newHeaderBag } from './header-bag.js';
import { withoutResponseHopByHop } from './hop-by-hop.js';
import { inspectRequestHeaders, type InspectedRequestHeaders } from './request-headers.js';
import { normaliseRequestPath, pathFrom } from './request-path.js';

function inspect(raw: string[], hostRequired = false): InspectedRequestHeaders {
  const into: InspectedRequestHeaders = {
    forwardHeaders: {},
    host: '',
    contentLength: -1,
    chunked: false,
    connectionTokens: null,
    forwardedFor: null,
  };
  inspectRequestHeaders(raw, into, hostRequired);
  return into;
}

function refusal(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('normaliseRequestPath', () => {
  it('splits into raw and decoded segments and remembers a trailing slash', () => {
    const p = normaliseRequestPath('/a/b%20c/');
    expect(p.raw).toEqual(['a', 'b%20c']);
    expect(p.decoded).toEqual(['a', 'b c']);
    expect(p.trailingSlash).toBe(true);
    expect(pathFrom(p, 1)).toBe('/b%20c/');
    expect(pathFrom(p, 2)).toBe('/');
  });

  it('resolves dot-segments, encoded ones too, and records the lowest depth reached', () => {
    const p = normaliseRequestPath('/api/x/%2e%2E/y/./z');
    expect(p.raw).toEqual(['api', 'y', 'z']);
    expect(p.lowestDepthAfterPop).toBe(1);
    expect(normaliseRequestPath('/api/x').lowestDepthAfterPop).toBe(Infinity);
    expect(normaliseRequestPath('/api/..').lowestDepthAfterPop).toBe(0);
  });

  it('treats a segment that is `.` or `..` before its first `;` as a dot-segment (Tomcat/Spring read it so)', () => {
    const p = normaliseRequestPath('/api/x/..;/y/.;jsessionid=1/z');
    expect(p.raw).toEqual(['api', 'y', 'z']);
    expect(p.lowestDepthAfterPop).toBe(1);
    expect(normaliseRequestPath('/api/x/%2e%2E;a=b/y').raw).toEqual(['api', 'y']);
    expect(normaliseRequestPath('/api/x/.%2e;/y').raw).toEqual(['api', 'y']);
    expect(normaliseRequestPath('/api/..;').lowestDepthAfterPop).toBe(0);
    expect(normaliseRequestPath('/api/..;').trailingSlash).toBe(true);
  });

  it('keeps segments that only look like dot-segments', () => {
    expect(normaliseRequestPath('/api/..a/...;/.a;b/;/a;..').raw).toEqual(['api', '..a', '...;', '.a;b', ';', 'a;..']);
  });

  it('gives the remainder after the API path without a slash when nothing is left', () => {
    const p = normaliseRequestPath('/orders');
    expect(pathFrom(p, 1)).toBe('');
    expect(pathFrom(normaliseRequestPath('/'), 0)).toBe('/');
  });

  it.each([
    ['/a%2Fb', "encoded '/'"],
    ['/a%2fb', "encoded '/'"],
    ['/a\\b', "'\\'"],
    ['/a%5Cb', "'\\'"],
    ['/a%00b', 'NUL'],
    ['/a%zz', 'malformed'],
    ['/a%E0%A4%A', 'malformed'],
    ['/..', 'above the root'],
    ['/a/../../b', 'above the root'],
    ['/..;/a', 'above the root'],
    ['/a/..;/..;/b', 'above the root'],
    ['/a/%2e%2e;x/%2E%2E;y/b', 'above the root'],
    ['http://evil/a', 'absolute path'],
    ['*', 'absolute path'],
  ])('refuses %j with 400 (%s)', (path, reason) => {
    const err = refusal(() => normaliseRequestPath(path));
    expect(err.status).toBe(400);
    expect(err.message).toContain(reason);
  });
});

describe('inspectRequestHeaders', () => {
  it('builds the forwarded header set without hop-by-hop headers, keeping repeats', () => {
    const r = inspect([
      'Host', 'gw.example',
      'Connection', 'keep-alive, X-Private',
      'Keep-Alive', 'timeout=5',
      'TE', 'trailers',
      'Upgrade', 'h2c',
      'Proxy-Authorization', 'Basic eA==',
      'X-Private', 'secret',
      'Expect', '100-continue',
      'Accept', 'a/b',
      'accept', 'c/d',
      'X-Forwarded-For', '10.0.0.1',
      'X-Forwarded-For', '10.0.0.2',
      'X-Forwarded-Host', 'spoofed',
      'Content-Length', '5',
    ]);
    expect(r.forwardHeaders).toEqual({ accept: ['a/b', 'c/d'], 'content-length': '5' });
    expect(r.host).toBe('gw.example');
    expect(r.contentLength).toBe(5);
    expect(r.forwardedFor).toBe('10.0.0.1, 10.0.0.2');
    expect(r.connectionTokens).toEqual(['keep-alive', 'x-private']);
  });

  it.each([
    [['Host', 'a', 'Host', 'b'], 'more than one Host'],
    [['Content-Length', '1', 'Content-Length', '1'], 'more than one Content-Length'],
    [['Authorization', 'a', 'authorization', 'b'], 'more than one Authorization'],
    [['Content-Length', '1', 'Transfer-Encoding', 'chunked'], 'both Content-Length and Transfer-Encoding'],
    [['Connection', 'Ocp-Apim-Subscription-Key'], 'must not nominate'],
    [['Connection', 'close, host'], 'must not nominate'],
    [['Connection', 'X-Forwarded-For'], 'must not nominate'],
    [['Connection', 'content-length'], 'must not nominate'],
    [['Connection', 'authorization'], 'must not nominate'],
    [['Transfer-Encoding', 'gzip, chunked'], "exactly 'chunked'"],
    [['Transfer-Encoding', 'chunked, chunked'], "exactly 'chunked'"],
    [['Transfer-Encoding', 'identity'], "exactly 'chunked'"],
    [['Transfer-Encoding', 'chunkee'], "exactly 'chunked'"],
    [['Transfer-Encoding', 'chunked', 'transfer-encoding', 'chunked'], "exactly 'chunked'"],
  ])('refuses %j with 400', (raw, reason) => {
    const err = refusal(() => inspect(raw));
    expect(err.status).toBe(400);
    expect(err.message).toContain(reason);
  });

  it('accepts Transfer-Encoding: chunked in any letter case', () => {
    expect(inspect(['Transfer-Encoding', 'Chunked']).chunked).toBe(true);
    expect(inspect(['transfer-encoding', 'CHUNKED']).chunked).toBe(true);
  });

  it('refuses a request without Host only when one is required (HTTP/1.1)', () => {
    expect(refusal(() => inspect(['Accept', '*/*'], true)).message).toContain('no Host header');
    expect(inspect(['Accept', '*/*']).host).toBe('');
    expect(inspect(['Host', ''], true).host).toBe('');
  });
});

describe('withoutResponseHopByHop', () => {
  it('removes hop-by-hop headers and those Connection nominates', () => {
    const headers: Record<string, string | string[] | undefined> = {
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-hop': '1',
      'proxy-authenticate': 'Basic',
      'content-type': 'text/plain',
      'set-cookie': ['a=1', 'b=2'],
    };
    const kept = withoutResponseHopByHop(headers);
    expect({ ...kept }).toEqual({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
    // The backend's object is left as it came.
    expect(headers['x-hop']).toBe('1');
  });

  it('returns the same object when nothing is hop-by-hop', () => {
    const headers = { 'content-type': 'text/plain', 'content-length': '2' };
    expect(withoutResponseHopByHop(headers)).toBe(headers);
  });

  it('drops what Connection nominates even when it comes as several values', () => {
    const kept = withoutResponseHopByHop({ connection: ['close', 'X-Private'], 'x-private': 'a', date: 'd' });
    expect({ ...kept }).toEqual({ date: 'd' });
  });
});

describe('newHeaderBag', () => {
  it('inherits nothing: constructor and __proto__ are ordinary header names', () => {
    const bag = newHeaderBag();
    const named = (name: string): string | string[] | undefined => bag[name];
    expect(named('constructor')).toBeUndefined();
    expect(named('toString')).toBeUndefined();
    for (const [name, value] of [['__proto__', 'x'], ['constructor', 'y']]) bag[name] = value;
    expect(Object.keys(bag)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(bag)).toBe('{"__proto__":"x","constructor":"y"}');
  });
});
