/**
 * What a Liquid template sees: a plain-object snapshot of the expression `context` under
 * APIM's PascalCase names, and `body` — the message being changed, parsed when it is JSON.
 * Only plain data is exposed (no methods), so a template cannot reach gateway internals.
 */
import type { ExpressionContext, MessageBody, StringValuesMap, UrlInfo } from '../../expressions/index.js';

type Scope = Record<string, unknown>;

export function liquidScope(context: ExpressionContext, message: 'request' | 'response'): Scope {
  const request = context.Request;
  const response = context.Response;
  const requestBody = bodyValue(request.Body, request.Headers);
  const responseBody = response === null ? null : bodyValue(response.Body, response.Headers);
  const scope: Scope = {
    Api: context.Api === null ? null : { ...context.Api, ServiceUrl: context.Api.ServiceUrl === null ? null : urlObject(context.Api.ServiceUrl) },
    Operation: context.Operation,
    Product: context.Product,
    Subscription: context.Subscription,
    User: context.User,
    Deployment: context.Deployment,
    LastError: context.LastError,
    RequestId: context.RequestId,
    Timestamp: context.Timestamp,
    Variables: Object.fromEntries(context.Variables),
    Request: {
      Method: request.Method,
      Url: urlObject(request.Url),
      OriginalUrl: urlObject(request.OriginalUrl),
      Headers: valuesObject(request.Headers),
      IpAddress: request.IpAddress,
      MatchedParameters: Object.fromEntries(request.MatchedParameters),
      Body: requestBody,
    },
    Response:
      response === null
        ? null
        : { StatusCode: response.StatusCode, StatusReason: response.StatusReason, Headers: valuesObject(response.Headers), Body: responseBody },
  };
  return { context: scope, body: message === 'request' ? requestBody : responseBody };
}

function urlObject(url: UrlInfo): Scope {
  return { Scheme: url.Scheme, Host: url.Host, Port: url.Port, Path: url.Path, Query: valuesObject(url.Query), QueryString: url.QueryString };
}

/** Repeated headers and query parameters read as one comma-joined string, as in APIM. */
function valuesObject(values: StringValuesMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of values.names()) out[name] = (values.get(name) ?? []).join(',');
  return out;
}

/** The body without consuming it: JSON parsed when the content type says so, else text. */
function bodyValue(body: MessageBody | null, headers: StringValuesMap): unknown {
  const bytes = body?.read(true) ?? null;
  if (bytes === null) return null;
  const text = Buffer.from(bytes).toString('utf8');
  const type = headers.get('content-type')?.[0] ?? '';
  if (!/json/i.test(type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
