import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayServerResponse } from '../context.js';
import { gatewayErrorBody, type GatewayError } from '../errors.js';
import { writeJson } from '../respond.js';
import { DUPLICATE_CONTENT_LENGTH, LENGTH_AND_CHUNKED, UNSUPPORTED_TRANSFER_ENCODING } from './request-headers.js';

/** One refusal, with the bytes to write on a bare socket built once. */
interface ClientErrorAnswer {
  readonly status: number;
  /** `{"statusCode":n,"message":"…"}` */
  readonly body: string;
  /** The whole HTTP/1.1 response, `connection: close`. */
  readonly raw: Buffer;
}

function answer(status: number, message: string): ClientErrorAnswer {
  const body = gatewayErrorBody(status, message);
  const raw = Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
    'latin1',
  );
  return { status, body, raw };
}

/** The same words as the edge phase's own check, whichever layer refuses first. */
function sameAs(error: GatewayError): ClientErrorAnswer {
  return answer(error.status, error.message);
}

const MALFORMED = answer(400, 'The request is malformed.');
const MALFORMED_REQUEST_LINE = answer(400, 'The request line is malformed.');
const MALFORMED_CHUNKING = answer(400, "The request body's chunked encoding is malformed.");
const BOTH_LENGTH_AND_CHUNKED = sameAs(LENGTH_AND_CHUNKED);

/** node's parser errors (llhttp codes, plus node's timeout) → the gateway's answer. */
const ANSWERS: ReadonlyMap<string, ClientErrorAnswer> = new Map([
  ['HPE_HEADER_OVERFLOW', answer(431, 'The request headers are larger than this gateway accepts.')],
  ['ERR_HTTP_REQUEST_TIMEOUT', answer(408, 'The request was not received in time.')],
  ['HPE_UNEXPECTED_CONTENT_LENGTH', sameAs(DUPLICATE_CONTENT_LENGTH)],
  ['HPE_INVALID_CONTENT_LENGTH', answer(400, 'The request has an invalid Content-Length.')],
  ['HPE_INVALID_TRANSFER_ENCODING', sameAs(UNSUPPORTED_TRANSFER_ENCODING)],
  ['HPE_INVALID_CHUNK_SIZE', MALFORMED_CHUNKING],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', MALFORMED_CHUNKING],
  ['HPE_INVALID_METHOD', answer(400, 'The request method is invalid.')],
  ['HPE_INVALID_URL', answer(400, 'The request target is invalid.')],
  ['HPE_INVALID_VERSION', MALFORMED_REQUEST_LINE],
  ['HPE_INVALID_CONSTANT', MALFORMED_REQUEST_LINE],
  ['HPE_INVALID_HEADER_TOKEN', answer(400, 'The request has a malformed header.')],
]);

function answerFor(err: NodeJS.ErrnoException): ClientErrorAnswer {
  // llhttp files Content-Length + Transfer-Encoding under the code of whichever header came
  // second; only its reason tells it apart. Should that text change, the code's answer holds.
  const reason = (err as { reason?: unknown }).reason;
  if (typeof reason === 'string' && reason.includes("can't be present with")) return BOTH_LENGTH_AND_CHUNKED;
  return ANSWERS.get(err.code ?? '') ?? MALFORMED;
}

/**
 * node's `clientError`: what its parser refuses (malformed requests, smuggling attempts,
 * oversized headers) and its header/request timeouts get the gateway's JSON error with
 * `connection: close` instead of node's bare reply.
 *
 * A socket never gets a second response: one whose response has started is cut; one that
 * was answered before its body arrived is no longer writable (respond.ts closes those);
 * while a request is being handled (its body broke, or it timed out mid-upload), the
 * answer goes through that request's own response, so node counts it as the one response
 * and the pipeline's later answer is dropped (respond.ts checks `headersSent`); and a
 * pipelined request's error behind a complete one only closes the connection after it.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: GatewayServerResponse | null })._httpMessage ?? null;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  if (inFlight === null) {
    socket.end(answerFor(err).raw);
    return;
  }
  if (inFlight.req.complete) {
    // The error is a pipelined request's, queued behind one still being answered: that
    // answer goes out first and unchanged, then the connection closes.
    inFlight.setHeader('connection', 'close');
    return;
  }
  // The backend call has nothing left to wait for.
  inFlight.ctx?.upstream?.cancel();
  const refusal = answerFor(err);
  writeJson(inFlight, refusal.status, refusal.body, true);
}
