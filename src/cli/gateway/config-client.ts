import { Agent, request } from 'undici';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import { GATEWAY_KEY_SCHEME } from '../../management/gateway-tokens.js';

/** Longest snapshot accepted from management; far above any real one. */
const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

/** What one pull of `/gateways/{id}/configuration` came to. */
export type PullResult =
  | { kind: 'snapshot'; snapshot: ConfigSnapshot }
  /** 304: nothing newer than the revision we named. */
  | { kind: 'unchanged' }
  /** 401/403: management refused the token; `reason` is its message (never the token). */
  | { kind: 'refused'; reason: string }
  /** Unreachable, a 5xx, or an answer that is not a snapshot: worth retrying. */
  | { kind: 'unavailable'; reason: string };

export interface PullRequest {
  /** The revision the gateway has (If-None-Match); omit for "whatever is current". */
  known?: number;
  /** Long poll: how long management may hold the request for a newer revision (0–60). */
  waitSeconds: number;
  signal?: AbortSignal;
}

/**
 * The gateway's HTTP client for its configuration: one keep-alive connection pool to the
 * management API (undici), the token in `Authorization: GatewayKey …`, the known revision
 * in If-None-Match. It never throws for what management or the network does; it says
 * what happened in a PullResult.
 */
export class ConfigClient {
  private readonly agent = new Agent({ connect: { timeout: 5_000 }, keepAliveTimeout: 65_000 });
  private readonly url: string;

  constructor(
    managementUrl: string,
    gatewayId: string,
    private readonly token: string,
  ) {
    this.url = `${managementUrl}/gateways/${encodeURIComponent(gatewayId)}/configuration`;
  }

  async pull({ known, waitSeconds, signal }: PullRequest): Promise<PullResult> {
    const headers: Record<string, string> = { authorization: `${GATEWAY_KEY_SCHEME} ${this.token}`, accept: 'application/json' };
    if (known !== undefined) headers['if-none-match'] = `"${known}"`;
    let response;
    try {
      response = await request(`${this.url}?waitSeconds=${waitSeconds}`, {
        method: 'GET',
        headers,
        signal,
        dispatcher: this.agent,
        // Management holds a long poll up to waitSeconds; anything much longer is a hung connection.
        headersTimeout: (waitSeconds + 15) * 1000,
        bodyTimeout: 60_000,
      });
    } catch (error) {
      return { kind: 'unavailable', reason: networkReason(error) };
    }
    const { statusCode, body } = response;
    try {
      if (statusCode === 304) {
        await body.dump();
        return { kind: 'unchanged' };
      }
      const text = await readBounded(body);
      if (statusCode === 401 || statusCode === 403) return { kind: 'refused', reason: errorMessageOf(text) ?? `HTTP ${statusCode}` };
      if (statusCode !== 200) return { kind: 'unavailable', reason: `HTTP ${statusCode}${suffix(errorMessageOf(text))}` };
      const snapshot = asSnapshot(text);
      return snapshot === undefined ? { kind: 'unavailable', reason: 'the answer is not a configuration snapshot' } : { kind: 'snapshot', snapshot };
    } catch (error) {
      return { kind: 'unavailable', reason: networkReason(error) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

async function readBounded(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_SNAPSHOT_BYTES) throw new Error(`the answer is larger than ${MAX_SNAPSHOT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** APIM's `{"error":{"message"}}`, when the body is one. */
function errorMessageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}

function suffix(message: string | undefined): string {
  return message === undefined ? '' : `: ${message}`;
}

/** Enough of the shape to hand it to the compiler, which checks the rest. */
function asSnapshot(text: string): ConfigSnapshot | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const candidate = parsed as Record<string, unknown>;
  const lists = ['apis', 'operations', 'products', 'subscriptions', 'users', 'groups', 'backends', 'namedValues', 'policies', 'policyFragments', 'apiVersionSets'];
  if (!Number.isSafeInteger(candidate.revision) || typeof candidate.keyDigestSecret !== 'string') return undefined;
  return lists.every((name) => Array.isArray(candidate[name])) ? (parsed as ConfigSnapshot) : undefined;
}

function networkReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return [cause ?? code, message].filter((part) => part !== undefined && part !== '').join(': ');
}
