/**
 * The table format of the expression suite and the request context the cases run against.
 * A case is either (expression, context, expected value), (expression, context, expected
 * run-time exception) or (expression, expected compile-error fragment [and position]).
 */
import type { ClientCertificate, ExpressionContext, ResponseInfo, UserInfo } from '../context.js';
import { bufferedBody, stringValuesMap, urlInfo } from '../context-data.js';
import { clrToString } from '../runtime/object.js';

export interface ContextInput {
  readonly method?: string;
  readonly url?: string;
  readonly originalUrl?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
  readonly variables?: Record<string, unknown>;
  readonly matched?: Record<string, string>;
  readonly ip?: string;
  readonly response?: { status: number; reason?: string; headers?: Record<string, string | string[]>; body?: string };
  readonly user?: Partial<UserInfo> | null;
  readonly region?: string;
  readonly lastError?: Partial<NonNullable<ExpressionContext['LastError']>>;
  readonly timestamp?: Date;
  readonly tracing?: boolean;
  readonly certificate?: ClientCertificate | null;
}

export interface ValueCase {
  readonly name?: string;
  readonly expr: string;
  readonly ctx?: ContextInput;
  /** The value (normalised by `plain`), or a predicate over the raw value. */
  readonly expected: unknown;
  /** The static result type reported by the compiler. */
  readonly type?: string;
  readonly expectedType?: string;
}

export interface ThrowCase {
  readonly name?: string;
  readonly expr: string;
  readonly ctx?: ContextInput;
  /** CLR exception type (e.g. `System.FormatException`) and/or message fragment. */
  readonly throws: string;
}

export interface CompileErrorCase {
  readonly name?: string;
  readonly expr: string;
  /** A fragment of the compile error message. */
  readonly error: string;
  /** Expected position when the expression starts at line 1, column 1. */
  readonly at?: readonly [line: number, column: number];
  readonly member?: string;
  readonly expectedType?: string;
}

export type Case = ValueCase | ThrowCase | CompileErrorCase;

/** A predicate expectation (for values that vary, like Guid.NewGuid()). */
export function satisfies(description: string, test: (v: unknown) => boolean): { readonly description: string; readonly test: (v: unknown) => boolean } {
  return { description, test };
}

export function isPredicate(e: unknown): e is ReturnType<typeof satisfies> {
  return typeof e === 'object' && e !== null && 'test' in e && typeof (e).test === 'function';
}

/** Runtime values in comparable form: JS primitives stay, collections become arrays, objects print. */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(plain);
  return clrToString(v);
}

export function response(status: number, body = '', headers: Record<string, string | string[]> = {}, reason = 'OK'): ResponseInfo {
  return { StatusCode: status, StatusReason: reason, Headers: stringValuesMap(headers), Body: bufferedBody(body) };
}

export function testContext(input: ContextInput = {}, traces: string[] = []): ExpressionContext {
  const url = urlInfo(input.url ?? 'https://api.contoso.com/echo/resource?param1=value1&param1=value2&q=x');
  return {
    Api: { Id: 'echo-api', Name: 'Echo API', Path: 'echo', Revision: '1', IsCurrentRevision: true, ServiceUrl: urlInfo('http://echo.backend:8080/api'), Version: 'v1' },
    Operation: { Id: 'get-resource', Method: 'GET', Name: 'Retrieve resource', UrlTemplate: '/resource' },
    Product: { Id: 'starter', Name: 'Starter', State: 'Published', ApprovalRequired: false, SubscriptionRequired: true, SubscriptionLimit: 1, Groups: [{ Id: 'developers', Name: 'Developers' }] },
    Subscription: {
      Id: 'sub-1',
      Key: 'primary-key-value',
      Name: 'Alice',
      PrimaryKey: 'primary-key-value',
      SecondaryKey: 'secondary-key-value',
      CreatedDate: new Date('2024-01-01T00:00:00Z'),
      StartDate: new Date('2024-01-02T00:00:00Z'),
      EndDate: null,
    },
    User:
      input.user === null
        ? null
        : {
            Id: 'alice',
            Email: 'alice@contoso.com',
            FirstName: 'Alice',
            LastName: 'Smith',
            Note: null,
            RegistrationDate: new Date('2023-06-15T10:00:00Z'),
            Groups: [
              { Id: 'developers', Name: 'Developers' },
              { Id: 'admins', Name: 'Administrators' },
            ],
            ...input.user,
          },
    Deployment: { Region: input.region ?? 'West US', GatewayId: 'managed', ServiceName: 'contoso-apim', ServiceId: 'svc-1' },
    Request: {
      Method: input.method ?? 'GET',
      Url: url,
      OriginalUrl: input.originalUrl ? urlInfo(input.originalUrl) : url,
      Headers: stringValuesMap(input.headers ?? { Accept: 'application/json', 'X-Multi': ['a', 'b'], Authorization: 'Bearer token-value' }),
      IpAddress: input.ip ?? '203.0.113.7',
      MatchedParameters: new Map(Object.entries(input.matched ?? { id: '42' })),
      Body: input.body === undefined ? null : bufferedBody(input.body),
      Certificate: input.certificate ?? null,
    },
    Response: input.response ? response(input.response.status, input.response.body ?? '', input.response.headers ?? {}, input.response.reason) : null,
    Variables: new Map(Object.entries(input.variables ?? {})),
    LastError: input.lastError
      ? { Source: '', Reason: '', Message: '', Scope: '', Section: '', Path: '', PolicyId: '', ...input.lastError }
      : null,
    RequestId: '5c1d7d49-5b0e-4f6e-9a59-1f3c5cfa2e01',
    Timestamp: input.timestamp ?? new Date(),
    Tracing: input.tracing ?? false,
    trace: (m) => traces.push(m),
  };
}
