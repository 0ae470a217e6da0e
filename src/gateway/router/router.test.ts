import { describe, expect, it } from 'vitest';
import { SnapshotBuilder } from '../../../test/helpers/snapshot-builder.js';
import { normaliseRequestPath } from '../edge/request-path.js';
import type { ForwardHeaders } from '../edge/request-headers.js';
import { SnapshotRejectedError, compileRuntime, type GatewayRuntime } from '../runtime.js';

const UPSTREAM = 'http://127.0.0.1:9';

function route(runtime: GatewayRuntime, method: string, target: string, headers: ForwardHeaders = {}) {
  const q = target.indexOf('?');
  const path = normaliseRequestPath(q === -1 ? target : target.slice(0, q));
  const match = runtime.router.match(method, path, q === -1 ? '' : target.slice(q + 1), headers);
  if (match === null) return null;
  return {
    api: match.api.id,
    operation: match.operation.id,
    params: Object.fromEntries(match.matchedParameters),
    depth: match.apiDepth,
  };
}

describe('router: API selection', () => {
  const runtime = compileRuntime(
    new SnapshotBuilder()
      .api('root', { path: '', serviceUrl: UPSTREAM })
      .operation('root', 'any', '*', '/*')
      .api('orders', { path: 'orders', serviceUrl: UPSTREAM })
      .operation('orders', 'list', 'GET', '/')
      .operation('orders', 'any', '*', '/*')
      .api('orders-admin', { path: 'orders/admin', serviceUrl: UPSTREAM })
      .operation('orders-admin', 'any', '*', '/*')
      .build(),
  );

  it('picks the longest path prefix on segment boundaries', () => {
    expect(route(runtime, 'GET', '/orders/admin/x')).toMatchObject({ api: 'orders-admin', depth: 2 });
    expect(route(runtime, 'GET', '/orders/administrator')).toMatchObject({ api: 'orders', depth: 1 });
    expect(route(runtime, 'GET', '/orders')).toMatchObject({ api: 'orders', operation: 'list' });
    expect(route(runtime, 'GET', '/orders/')).toMatchObject({ api: 'orders', operation: 'list' });
    expect(route(runtime, 'GET', '/ordersx')).toMatchObject({ api: 'root', depth: 0 });
  });

  it("matches API paths case-insensitively, as APIM does; '' catches the rest", () => {
    expect(route(runtime, 'GET', '/ORDERS/Admin/x')).toMatchObject({ api: 'orders-admin' });
    expect(route(runtime, 'GET', '/')).toMatchObject({ api: 'root' });
  });

  it('returns null (404) when no API matches', () => {
    const noRoot = compileRuntime(
      new SnapshotBuilder().api('a', { path: 'a', serviceUrl: UPSTREAM }).operation('a', 'x', 'GET', '/x').build(),
    );
    expect(route(noRoot, 'GET', '/b/x')).toBeNull();
    expect(route(noRoot, 'GET', '/a/y')).toBeNull();
  });

  it('ignores non-current revisions', () => {
    const rt = compileRuntime(
      new SnapshotBuilder()
        .api('a', { path: 'a', serviceUrl: UPSTREAM })
        .operation('a', 'x', 'GET', '/x')
        .api('a;rev=2', { path: 'a', serviceUrl: UPSTREAM, isCurrent: false, apiRevision: '2' })
        .operation('a;rev=2', 'x', 'GET', '/x')
        .build(),
    );
    expect(route(rt, 'GET', '/a/x')).toMatchObject({ api: 'a' });
  });

  it('routes versioned APIs by segment, header and query', () => {
    const rt = compileRuntime(
      new SnapshotBuilder()
        .versionSet({ id: 'seg', displayName: 'seg', versioningScheme: 'Segment' })
        .versionSet({ id: 'hdr', displayName: 'hdr', versioningScheme: 'Header', versionHeaderName: 'Api-Version' })
        .versionSet({ id: 'qry', displayName: 'qry', versioningScheme: 'Query', versionQueryName: 'api-version' })
        .api('s-orig', { path: 's', serviceUrl: UPSTREAM, apiVersionSetId: 'seg' })
        .api('s-v1', { path: 's', serviceUrl: UPSTREAM, apiVersionSetId: 'seg', apiVersion: 'v1' })
        .api('h-orig', { path: 'h', serviceUrl: UPSTREAM, apiVersionSetId: 'hdr' })
        .api('h-v2', { path: 'h', serviceUrl: UPSTREAM, apiVersionSetId: 'hdr', apiVersion: 'v2' })
        .api('q-v3', { path: 'q', serviceUrl: UPSTREAM, apiVersionSetId: 'qry', apiVersion: '2024-01-01' })
        .operation('s-orig', 'x', 'GET', '/x')
        .operation('s-v1', 'x', 'GET', '/x')
        .operation('h-orig', 'x', 'GET', '/x')
        .operation('h-v2', 'x', 'GET', '/x')
        .operation('q-v3', 'x', 'GET', '/x')
        .build(),
    );
    expect(route(rt, 'GET', '/s/x')).toMatchObject({ api: 's-orig', depth: 1 });
    expect(route(rt, 'GET', '/s/v1/x')).toMatchObject({ api: 's-v1', depth: 2 });
    expect(route(rt, 'GET', '/h/x')).toMatchObject({ api: 'h-orig' });
    expect(route(rt, 'GET', '/h/x', { 'api-version': 'V2' })).toMatchObject({ api: 'h-v2' });
    expect(route(rt, 'GET', '/h/x', { 'api-version': 'v9' })).toBeNull();
    expect(route(rt, 'GET', '/q/x?api-version=2024-01-01')).toMatchObject({ api: 'q-v3' });
    expect(route(rt, 'GET', '/q/x')).toBeNull();
  });

  it('scales to 1,000 APIs and 10,000 operations', () => {
    const builder = new SnapshotBuilder();
    for (let a = 0; a < 1000; a++) {
      builder.api(`api${a}`, { path: `svc${a}/v1`, serviceUrl: UPSTREAM });
      for (let o = 0; o < 10; o++) builder.operation(`api${a}`, `op${o}`, 'GET', `/things${o}/{id}`);
    }
    const rt = compileRuntime(builder.build());
    expect(rt.operations).toHaveLength(10_000);
    expect(route(rt, 'GET', '/svc777/v1/things3/abc')).toEqual({
      api: 'api777',
      operation: 'op3',
      params: { id: 'abc' },
      depth: 2,
    });
    expect(route(rt, 'GET', '/svc777/v2/things3/abc')).toBeNull();
  });
});

describe('router: operation templates', () => {
  const runtime = compileRuntime(
    new SnapshotBuilder()
      .api('a', { path: 'api', serviceUrl: UPSTREAM })
      .operation('a', 'users-me', 'GET', '/users/me')
      .operation('a', 'users-get', 'GET', '/users/{id}')
      .operation('a', 'users-delete', 'DELETE', '/users/{id}')
      .operation('a', 'user-orders', 'GET', '/users/{uid}/orders/{oid}')
      .operation('a', 'file-json', 'GET', '/files/{name}.json')
      .operation('a', 'file', 'GET', '/files/{name}.{ext}')
      .operation('a', 'search-paged', 'GET', '/search?q={q}&page={page}')
      .operation('a', 'search', 'GET', '/search?q={q}')
      .operation('a', 'report-csv', 'GET', '/report?format=csv')
      .operation('a', 'static', 'GET', '/static/{*rest}')
      .operation('a', 'any-method', '*', '/things/{id}')
      .operation('a', 'thing-put', 'PUT', '/things/{id}')
      .operation('a', 'fallback', 'GET', '/*')
      .build(),
  );

  it('prefers literal over parameter over wildcard', () => {
    expect(route(runtime, 'GET', '/api/users/me')).toMatchObject({ operation: 'users-me', params: {} });
    expect(route(runtime, 'GET', '/api/users/42')).toMatchObject({ operation: 'users-get', params: { id: '42' } });
    expect(route(runtime, 'GET', '/api/nothing/here')).toMatchObject({ operation: 'fallback' });
  });

  it('backtracks to a parameter branch when the literal one has no route for the method', () => {
    expect(route(runtime, 'DELETE', '/api/users/me')).toMatchObject({ operation: 'users-delete', params: { id: 'me' } });
  });

  it('captures several parameters, decoded, in their original case', () => {
    expect(route(runtime, 'GET', '/api/users/Ann%20B/orders/X-1')).toMatchObject({
      operation: 'user-orders',
      params: { uid: 'Ann B', oid: 'X-1' },
    });
  });

  it('matches mixed segments, literal-richer patterns first', () => {
    expect(route(runtime, 'GET', '/api/files/report.json')).toMatchObject({ operation: 'file-json', params: { name: 'report' } });
    expect(route(runtime, 'GET', '/api/files/archive.tar.gz')).toMatchObject({
      operation: 'file',
      params: { name: 'archive.tar', ext: 'gz' },
    });
    expect(route(runtime, 'GET', '/api/files/noext')).toMatchObject({ operation: 'fallback' });
  });

  it('requires and captures template query parameters, more specific first', () => {
    expect(route(runtime, 'GET', '/api/search?q=cats&page=2&x=1')).toMatchObject({
      operation: 'search-paged',
      params: { q: 'cats', page: '2' },
    });
    expect(route(runtime, 'GET', '/api/search?q=a+b%21')).toMatchObject({ operation: 'search', params: { q: 'a b!' } });
    expect(route(runtime, 'GET', '/api/search')).toMatchObject({ operation: 'fallback' });
    expect(route(runtime, 'GET', '/api/report?format=csv')).toMatchObject({ operation: 'report-csv' });
    expect(route(runtime, 'GET', '/api/report?format=pdf')).toMatchObject({ operation: 'fallback' });
  });

  it('captures the rest of the path with a named wildcard', () => {
    expect(route(runtime, 'GET', '/api/static/css/site.css')).toMatchObject({
      operation: 'static',
      params: { rest: 'css/site.css' },
    });
    expect(route(runtime, 'GET', '/api/static')).toMatchObject({ operation: 'static', params: { rest: '' } });
  });

  it("falls back to method '*' when no exact method matches", () => {
    expect(route(runtime, 'PUT', '/api/things/1')).toMatchObject({ operation: 'thing-put' });
    expect(route(runtime, 'PATCH', '/api/things/1')).toMatchObject({ operation: 'any-method', params: { id: '1' } });
  });

  it('misses (404) on unknown method and path', () => {
    expect(route(runtime, 'POST', '/api/users/1')).toBeNull();
    expect(route(runtime, 'DELETE', '/api/nothing')).toBeNull();
  });

  it('matches literal template segments case-insensitively', () => {
    expect(route(runtime, 'GET', '/API/Users/ME')).toMatchObject({ operation: 'users-me' });
  });
});

describe('router: compile problems', () => {
  it('reports clashing templates and API paths per object', () => {
    const snapshot = new SnapshotBuilder()
      .api('a', { path: 'same', serviceUrl: UPSTREAM })
      .api('b', { path: 'Same', serviceUrl: UPSTREAM })
      .operation('a', 'one', 'GET', '/users/{id}')
      .operation('a', 'two', 'GET', '/users/{uid}')
      .operation('a', 'bad', 'GET', '/users/{id')
      .build();
    const err = (() => {
      try {
        compileRuntime(snapshot);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(SnapshotRejectedError);
    const details = (err as SnapshotRejectedError).details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'DuplicateOperationTemplate', target: 'apis/a/operations/two' }),
        expect.objectContaining({ code: 'InvalidUrlTemplate', target: 'apis/a/operations/bad' }),
        expect.objectContaining({ code: 'DuplicateApiPath', target: 'apis/b' }),
      ]),
    );
  });
});
