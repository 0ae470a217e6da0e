/**
 * HTTPS calls for TLS tests: one client per call (so each call is its own handshake, with
 * or without a client certificate), trusting the test CA.
 */
import { Agent, request } from 'undici';
import type { Issued } from './certificates.js';
import type { TestResponse } from './test-gateway.js';

export interface TlsCallOptions {
  /** PEM CA the client trusts for the server's certificate. */
  readonly ca: string;
  /** The client certificate (and key) to present; none when absent. */
  readonly client?: Pick<Issued, 'cert' | 'key'>;
  readonly headers?: Record<string, string>;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
}

export async function httpsCall(url: string, options: TlsCallOptions): Promise<TestResponse> {
  const agent = new Agent({
    connect: { ca: options.ca, ...(options.client === undefined ? {} : { cert: options.client.cert, key: options.client.key }) },
  });
  try {
    const response = await request(url, { dispatcher: agent, method: options.method ?? 'GET', headers: options.headers, body: options.body });
    const text = await response.body.text();
    return { statusCode: response.statusCode, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  } finally {
    await agent.close();
  }
}
