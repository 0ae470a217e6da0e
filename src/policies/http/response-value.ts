/**
 * A fully buffered HTTP response held in a variable (send-request's `response-variable-name`):
 * expressions read it as `IResponse`, return-response can send it back.
 */
import { STATUS_CODES } from 'node:http';
import type { MessageBody, ResponseInfo, StringValuesMap } from '../../expressions/index.js';
import type { PolicyResponse } from '../contract/context.js';
import { headerValues } from '../engine/string-values.js';

export class ResponseValue implements ResponseInfo {
  readonly Headers: StringValuesMap;
  readonly Body: MessageBody;
  private body: Buffer | null;

  constructor(
    readonly statusCode: number,
    readonly statusMessage: string,
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string | string[]>>,
    body: Buffer,
  ) {
    this.body = body;
    this.Headers = headerValues(() => this.headers);
    this.Body = {
      read: (preserveContent) => {
        const bytes = this.body;
        if (!preserveContent) this.body = null;
        return bytes;
      },
    };
  }

  get StatusCode(): number {
    return this.statusCode;
  }

  get StatusReason(): string {
    return this.statusMessage || (STATUS_CODES[this.statusCode] ?? '');
  }

  /** A response to send to the client (the body as it is now: consumed bodies stay consumed). */
  toPolicyResponse(): PolicyResponse {
    const headers: PolicyResponse['headers'] = { ...this.headers };
    const body = this.body;
    delete headers['transfer-encoding'];
    delete headers['content-encoding'];
    headers['content-length'] = body === null ? 0 : body.length;
    return { statusCode: this.statusCode, statusMessage: this.statusMessage || undefined, headers, body };
  }
}
