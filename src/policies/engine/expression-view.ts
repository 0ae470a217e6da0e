/**
 * The `context` object expressions see, as a view over the gateway's request context:
 * nothing is copied, so an expression always reads the request as the policies before it
 * left it (headers set, URI rewritten, body replaced). One view per request, created the
 * first time an expression runs.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type {
  ApiInfo,
  ClientCertificate,
  DeploymentInfo,
  ExpressionContext,
  LastErrorInfo,
  MessageBody,
  OperationInfo,
  ProductInfo,
  RequestInfo,
  ResponseInfo,
  StringValuesMap,
  SubscriptionInfo,
  UrlInfo,
  UserInfo,
} from '../../expressions/index.js';
import type { PolicyContext } from '../contract/context.js';
import { splitHost, targetParts, type TargetParts } from '../http/urls.js';
import { replaceResponseBody } from '../http/bodies.js';
import { certificateFacts } from '../http/client-certificates.js';
import { findQueryParameter } from '../http/query.js';
import { lastErrorOf } from './last-error.js';
import { stateOf, type PolicyRequestState } from './request-state.js';
import { EMPTY_VALUES, headerValues, queryValues } from './string-values.js';
import type { StaticViews } from './views.js';

export interface ExpressionEnvironment {
  readonly deployment: DeploymentInfo;
  readonly views: StaticViews;
}

export function expressionContextOf(ctx: PolicyContext, env: ExpressionEnvironment): ExpressionContext {
  const state = stateOf(ctx);
  let view = state.expression;
  if (view === null) {
    view = new ExpressionView(ctx, state, env);
    state.expression = view;
  }
  return view;
}

class ExpressionView implements ExpressionContext {
  readonly Request: RequestView;
  readonly Tracing = false;
  private responseView: ResponseView | null = null;
  private subscriptionView: SubscriptionInfo | null = null;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly state: PolicyRequestState,
    private readonly env: ExpressionEnvironment,
  ) {
    this.Request = new RequestView(ctx, state);
  }

  get Api(): ApiInfo | null {
    const api = this.ctx.api;
    return api === null ? null : this.env.views.api(api.source);
  }

  get Operation(): OperationInfo | null {
    const operation = this.ctx.operation;
    return operation === null ? null : this.env.views.operation(operation.source);
  }

  get Product(): ProductInfo | null {
    const product = this.ctx.product;
    return product === null ? null : this.env.views.product(product.source);
  }

  get Subscription(): SubscriptionInfo | null {
    const subscription = this.ctx.subscription;
    if (subscription === null) return null;
    this.subscriptionView ??= new SubscriptionView(this.env.views.subscription(subscription.source).subscription, presentedKey(this.ctx));
    return this.subscriptionView;
  }

  get User(): UserInfo | null {
    const subscription = this.ctx.subscription;
    return subscription === null ? null : this.env.views.subscription(subscription.source).user;
  }

  get Deployment(): DeploymentInfo {
    return this.env.deployment;
  }

  get Response(): ResponseInfo | null {
    if (this.ctx.response === null) return null;
    this.responseView ??= new ResponseView(this.ctx);
    return this.responseView;
  }

  get Variables(): ReadonlyMap<string, unknown> {
    return this.state.variables;
  }

  get LastError(): LastErrorInfo | null {
    return lastErrorOf(this.ctx, this.state);
  }

  get RequestId(): string {
    this.state.requestId ??= randomUUID();
    return this.state.requestId;
  }

  get Timestamp(): Date {
    return new Date(this.ctx.receivedAt);
  }
}

/**
 * The subscription's shared view plus the key this request presented. A wrapper rather than
 * an object spread: the typical document reads context.Subscription on every call.
 */
class SubscriptionView implements SubscriptionInfo {
  constructor(
    private readonly shared: Omit<SubscriptionInfo, 'Key'>,
    readonly Key: string,
  ) {}
  get Id(): string {
    return this.shared.Id;
  }
  get Name(): string {
    return this.shared.Name;
  }
  get PrimaryKey(): string {
    return this.shared.PrimaryKey;
  }
  get SecondaryKey(): string {
    return this.shared.SecondaryKey;
  }
  get CreatedDate(): Date | null {
    return this.shared.CreatedDate;
  }
  get StartDate(): Date | null {
    return this.shared.StartDate;
  }
  get EndDate(): Date | null {
    return this.shared.EndDate;
  }
}

/** The key the caller presented (header, else query), as APIM's `context.Subscription.Key`. */
function presentedKey(ctx: PolicyContext): string {
  const names = ctx.api?.source.subscriptionKeyParameterNames;
  if (names === undefined) return '';
  const header = ctx.forwardHeaders[names.header.toLowerCase()];
  if (typeof header === 'string' && header !== '') return header;
  return findQueryParameter(ctx.query, names.query) ?? '';
}

class RequestView implements RequestInfo {
  readonly Url: UrlInfo;
  readonly Headers: StringValuesMap;
  readonly Body: MessageBody;
  private original: UrlInfo | null = null;

  constructor(
    private readonly ctx: PolicyContext,
    state: PolicyRequestState,
  ) {
    this.Url = new CurrentUrl(ctx);
    this.Headers = headerValues(
      () => ctx.forwardHeaders,
      () => ctx.host,
    );
    this.Body = new RequestBody(ctx, state);
  }

  get Method(): string {
    return this.ctx.method;
  }

  get OriginalUrl(): UrlInfo {
    this.original ??= originalUrl(this.ctx);
    return this.original;
  }

  get IpAddress(): string {
    return this.ctx.clientIp;
  }

  get Certificate(): ClientCertificate | null {
    const presented = this.ctx.clientCertificate;
    return presented === null ? null : certificateFacts(presented).expressionView;
  }

  get MatchedParameters(): ReadonlyMap<string, string> {
    return this.ctx.matchedParameters;
  }
}

/** `As<T>()` without preserveContent consumes the body, as in APIM: the backend then gets none. */
class RequestBody implements MessageBody {
  constructor(
    private readonly ctx: PolicyContext,
    private readonly state: PolicyRequestState,
  ) {}

  read(preserveContent: boolean): Uint8Array | null {
    const body = this.state.requestBody;
    if (body === undefined || body === null) return null;
    if (!preserveContent) {
      this.state.requestBody = null;
      this.ctx.setRequestBody(null);
    }
    return body;
  }
}

class ResponseView implements ResponseInfo {
  readonly Headers: StringValuesMap;
  readonly Body: MessageBody;

  constructor(private readonly ctx: PolicyContext) {
    this.Headers = headerValues(() => ctx.response?.headers ?? {});
    this.Body = new ResponseBody(ctx);
  }

  get StatusCode(): number {
    return this.ctx.response?.statusCode ?? 0;
  }

  get StatusReason(): string {
    const response = this.ctx.response;
    if (response === null) return '';
    return response.statusMessage ?? STATUS_CODES[response.statusCode] ?? '';
  }
}

class ResponseBody implements MessageBody {
  constructor(private readonly ctx: PolicyContext) {}

  read(preserveContent: boolean): Uint8Array | null {
    const response = this.ctx.response;
    if (response === null) return null;
    const body = response.body;
    let bytes: Buffer | null;
    if (body === null) bytes = null;
    else if (typeof body === 'string') bytes = Buffer.from(body);
    else if (Buffer.isBuffer(body)) bytes = body;
    // Not buffered: the engine buffers before any section whose expressions read a body.
    else return null;
    if (!preserveContent && bytes !== null) replaceResponseBody(response, null);
    return bytes;
  }
}

/** `context.Request.Url`: the URL the request goes to — the backend's once one is set. */
class CurrentUrl implements UrlInfo {
  private queryText = '';
  private queryMap: StringValuesMap = EMPTY_VALUES;

  constructor(private readonly ctx: PolicyContext) {}

  private get target(): TargetParts {
    return targetParts(this.ctx);
  }

  get Scheme(): string {
    return this.target.scheme;
  }

  get Host(): string {
    return this.target.host;
  }

  get Port(): number {
    return this.target.port;
  }

  get Path(): string {
    const path = this.target.basePath + this.ctx.backendPath;
    return path === '' ? '/' : path;
  }

  get Query(): StringValuesMap {
    if (this.ctx.query !== this.queryText) {
      this.queryText = this.ctx.query;
      this.queryMap = queryValues(this.queryText);
    }
    return this.queryMap;
  }

  get QueryString(): string {
    return this.ctx.query === '' ? '' : `?${this.ctx.query}`;
  }
}

function originalUrl(ctx: PolicyContext): UrlInfo {
  const { host, port } = splitHost(ctx.host, ctx.scheme, ctx.localPort);
  const target = ctx.originalUrl;
  const queryAt = target.indexOf('?');
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  return {
    Scheme: ctx.scheme,
    Host: host,
    Port: port,
    Path: queryAt === -1 ? target : target.slice(0, queryAt),
    Query: query === '' ? EMPTY_VALUES : queryValues(query),
    QueryString: query === '' ? '' : `?${query}`,
  };
}
