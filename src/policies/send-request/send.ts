/** Sends one OutgoingRequest and buffers the answer (bounded), as a ResponseValue. */
import type { Dispatcher } from 'undici';
import { PolicyFailure } from '../engine/failures.js';
import { collectBody } from '../http/bodies.js';
import { HOP_BY_HOP_HEADERS } from '../../model/hop-by-hop.js';
import { forbiddenHost } from '../http/outbound-client.js';
import { ResponseValue } from '../http/response-value.js';
import type { OutgoingRequest } from './request-spec.js';

export interface SendOptions {
  readonly client: Dispatcher;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly allowLinkLocal: boolean;
}

/** Throws a PolicyFailure when the request cannot be made or gets no answer in time. */
export async function send(request: OutgoingRequest, options: SendOptions): Promise<ResponseValue> {
  const url = checkedUrl(request.url, options.allowLinkLocal);
  let response: Dispatcher.ResponseData;
  try {
    response = await options.client.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch {
    // The cause (an address, a DNS name) stays out of the message the client may see.
    throw new PolicyFailure(502, 'SendRequestFailed', 'A request sent by a policy failed.');
  }
  let body: Buffer;
  try {
    body = await collectBody(response.body, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof PolicyFailure) throw error;
    throw new PolicyFailure(502, 'SendRequestFailed', 'A request sent by a policy failed.');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined && !HOP_BY_HOP_HEADERS.has(name)) headers[name] = value;
  }
  return new ResponseValue(response.statusCode, '', headers, body);
}

function checkedUrl(text: string, allowLinkLocal: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PolicyFailure(500, 'InvalidRequestUrl', 'A policy built an invalid request URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PolicyFailure(500, 'InvalidRequestUrl', 'A policy built a request URL that is not http or https.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new PolicyFailure(500, 'InvalidRequestUrl', 'A policy built a request URL with credentials in it.');
  }
  if (!allowLinkLocal && forbiddenHost(url.hostname)) {
    throw new PolicyFailure(500, 'InvalidRequestUrl', 'A policy built a request URL pointing at a link-local or metadata address.');
  }
  return url;
}
