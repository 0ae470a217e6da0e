import { newHeaderBag } from '../../edge/header-bag.js';
import { UpstreamError } from './types.js';

/** Where a parsed response goes. Called synchronously from `execute` / `finish`. */
export interface ResponseSink {
  /** The final response's status and headers (1xx responses are skipped). */
  onHead(statusCode: number, headers: Record<string, string | string[]>): void;
  onBody(chunk: Buffer): void;
  /** The response is complete; `keepAlive` already says whether the connection can carry another. */
  onComplete(): void;
}

/** Most bytes of a status line and headers (node's own default is 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_EXTENSION_BYTES = 4 * 1024;
const MAX_TRAILER_BYTES = 64 * 1024;
/** Hex digits of a chunk size: 2^48 bytes is more than any body the gateway relays. */
const MAX_CHUNK_SIZE_DIGITS = 12;

const enum State {
  Idle,
  Head,
  /** Content-Length body: `remaining` bytes to go. */
  FixedBody,
  /** No framing: the body runs until the backend closes the connection. */
  UntilClose,
  ChunkSize,
  ChunkExtension,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  Trailers,
  /** A CR in the trailer section: its LF must follow. */
  TrailerLf,
}

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A control character other than tab (DEL included), or a CR or LF that is not part of a CRLF line end. */
const BAD_LINE_BYTE = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
const DIGITS = /^\d+$/;

/**
 * An incremental HTTP/1.1 response parser (RFC 9112) for one keep-alive connection:
 * status line and headers, then the body framed by Content-Length, chunked
 * transfer-coding, or the connection's close. Body bytes are handed on as views of the
 * socket's buffers (no copy). Hand-written because this is the gateway's hot path; it
 * is strict where leniency is what response smuggling relies on (obsolete line folding,
 * bare CR or LF, conflicting Content-Length, a malformed chunk size all fail the
 * response) and bounded everywhere (head, chunk extensions, trailers).
 */
export class ResponseParser {
  /** Whether the connection may carry another request once this response is complete. */
  keepAlive = true;
  /** The backend's `Keep-Alive: timeout=N` hint in ms, or 0 when it gave none. */
  keepAliveHintMs = 0;

  private state = State.Idle;
  private expectBody = true;
  /** Head bytes received so far when the head spans several reads. */
  private partialHead: Buffer | null = null;
  private remaining = 0;
  private sizeDigits = 0;
  private extensionBytes = 0;
  private trailerBytes = 0;
  private trailerLineBytes = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** Readies the parser for the response to a request just sent; `head`: it was a HEAD request. */
  start(head: boolean): void {
    this.state = State.Head;
    this.expectBody = !head;
    this.partialHead = null;
    this.keepAlive = true;
    this.keepAliveHintMs = 0;
  }

  /** Stops parsing (the request was abandoned); bytes that still arrive are ignored. */
  stop(): void {
    this.state = State.Idle;
    this.partialHead = null;
  }

  /** True between `start` and the response's completion. */
  get active(): boolean {
    return this.state !== State.Idle;
  }

  /** True once the status and headers are in (the body may still be coming). */
  get headComplete(): boolean {
    return this.state !== State.Idle && this.state !== State.Head;
  }

  /** Feeds bytes read from the connection. Throws an UpstreamError on a malformed response. */
  execute(data: Buffer): void {
    let i = 0;
    const length = data.length;
    while (i < length) {
      switch (this.state) {
        case State.Idle:
          // Bytes nobody asked for: the connection cannot be trusted with another request.
          this.keepAlive = false;
          return;
        case State.Head:
          i = this.readHead(data, i);
          // An empty body completes with its head (unless the sink abandoned the response).
          if ((this.state as State) === State.FixedBody && this.remaining === 0) {
            this.complete(i < length);
            return;
          }
          break;
        case State.FixedBody: {
          const take = Math.min(this.remaining, length - i);
          this.remaining -= take;
          const chunk = take === length ? data : data.subarray(i, i + take);
          i += take;
          if (this.remaining === 0) {
            this.sink.onBody(chunk);
            if (this.state === State.FixedBody) this.complete(i < length);
            return;
          }
          this.sink.onBody(chunk);
          break;
        }
        case State.UntilClose:
          this.sink.onBody(i === 0 ? data : data.subarray(i));
          return;
        case State.ChunkData: {
          const take = Math.min(this.remaining, length - i);
          this.remaining -= take;
          const chunk = data.subarray(i, i + take);
          i += take;
          if (this.remaining === 0) this.state = State.ChunkDataCr;
          this.sink.onBody(chunk);
          break;
        }
        default:
          i = this.readChunkFraming(data, i);
      }
    }
  }

  /** The connection was closed by the backend. Throws when that cut the response short. */
  finish(): void {
    if (this.state === State.Idle) return;
    if (this.state === State.UntilClose) {
      this.keepAlive = false;
      this.state = State.Idle;
      this.sink.onComplete();
      return;
    }
    const where = this.state === State.Head ? 'before its headers were complete' : 'before the end of its body';
    this.state = State.Idle;
    throw new UpstreamError('UPSTREAM_CLOSED', `The backend closed the connection ${where}.`);
  }

  private complete(extraBytes: boolean): void {
    if (extraBytes) this.keepAlive = false;
    this.state = State.Idle;
    this.sink.onComplete();
  }

  // --- status line and headers ------------------------------------------------------

  private readHead(data: Buffer, from: number): number {
    let buffer = data;
    let start = from;
    let searchFrom = from;
    const previous = this.partialHead;
    if (previous !== null) {
      buffer = Buffer.concat([previous, from === 0 ? data : data.subarray(from)]);
      start = 0;
      // The terminator may straddle the two reads.
      searchFrom = Math.max(0, previous.length - 3);
    }
    const end = buffer.indexOf('\r\n\r\n', searchFrom, 'latin1');
    if (end === -1) {
      if (buffer.length - start > MAX_HEAD_BYTES) throw badResponse(`its headers exceed ${MAX_HEAD_BYTES} bytes`);
      this.partialHead = start === 0 && buffer !== data ? buffer : Buffer.from(buffer.subarray(start));
      return data.length;
    }
    if (end - start > MAX_HEAD_BYTES) throw badResponse(`its headers exceed ${MAX_HEAD_BYTES} bytes`);
    this.partialHead = null;
    // Where parsing goes on in `data`: after the terminator.
    const consumed = previous === null ? end + 4 : end + 4 - previous.length;
    this.parseHead(buffer.toString('latin1', start, end));
    return consumed;
  }

  private parseHead(text: string): void {
    if (BAD_LINE_BYTE.test(text)) throw badResponse('its headers contain a control character, or a CR or LF outside a line end');
    const lines = text.split('\r\n');
    const statusLine = lines[0];
    const http10 = statusLine.startsWith('HTTP/1.0 ');
    if (!(http10 || statusLine.startsWith('HTTP/1.1 ')) || !isStatusCode(statusLine)) {
      throw badResponse(`its status line is not HTTP/1.x: '${statusLine.slice(0, 64)}'`);
    }
    const statusCode = Number(statusLine.slice(9, 12));
    if (statusCode < 100 || statusCode > 599) throw badResponse(`its status ${statusCode} is not between 100 and 599`);
    const headers = newHeaderBag();
    let contentLength = -1;
    let chunked = false;
    let transferEncoded = false;
    let connectionClose = http10;
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n];
      const colon = line.indexOf(':');
      if (colon <= 0) throw badResponse(`header line ${n} has no name: '${line.slice(0, 64)}'`);
      const rawName = line.slice(0, colon);
      if (!TOKEN.test(rawName)) throw badResponse(`header name '${rawName.slice(0, 64)}' is not a token`);
      const name = rawName.toLowerCase();
      const value = trimOws(line, colon + 1);
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (typeof existing === 'string') headers[name] = [existing, value];
      else existing.push(value);
      switch (name) {
        case 'content-length':
          contentLength = parseContentLength(value, contentLength);
          break;
        case 'transfer-encoding':
          transferEncoded = true;
          chunked = value.toLowerCase().split(',').pop()!.trim() === 'chunked';
          break;
        case 'connection':
          for (const token of value.toLowerCase().split(',')) {
            const option = token.trim();
            if (option === 'close') connectionClose = true;
            else if (option === 'keep-alive' && http10) connectionClose = false;
          }
          break;
        case 'keep-alive':
          this.keepAliveHintMs = keepAliveHint(value);
          break;
      }
    }
    if (statusCode < 200) {
      // 101 would switch protocols, which the gateway never asks for; other 1xx are interim.
      if (statusCode === 101) throw badResponse('it switched protocols without being asked to');
      this.state = State.Head;
      return;
    }
    this.keepAlive = !connectionClose;
    if (!this.expectBody || statusCode === 204 || statusCode === 304) {
      // No body whatever the headers say: complete as an empty fixed-length body.
      this.remaining = 0;
      this.state = State.FixedBody;
    } else if (transferEncoded) {
      // Both framings on one message is how response smuggling starts (RFC 9112 §6.3 lets a
      // recipient refuse it; llhttp does): relayed, the Content-Length would reach the client
      // beside a body of another length.
      if (contentLength !== -1) throw badResponse('it carries both Transfer-Encoding and Content-Length');
      if (chunked) {
        this.beginChunkSize();
      } else {
        this.keepAlive = false;
        this.state = State.UntilClose;
      }
    } else if (contentLength !== -1) {
      this.remaining = contentLength;
      this.state = State.FixedBody;
    } else {
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
    this.sink.onHead(statusCode, headers);
  }

  // --- chunked framing ---------------------------------------------------------------

  private beginChunkSize(): void {
    this.state = State.ChunkSize;
    this.remaining = 0;
    this.sizeDigits = 0;
    this.extensionBytes = 0;
  }

  /** Reads chunk-size lines, the CRLF after chunk data, and the trailer section. */
  private readChunkFraming(data: Buffer, from: number): number {
    let i = from;
    const length = data.length;
    while (i < length) {
      const byte = data[i++];
      switch (this.state) {
        case State.ChunkSize: {
          const digit = hexValue(byte);
          if (digit !== -1) {
            if (++this.sizeDigits > MAX_CHUNK_SIZE_DIGITS) throw badResponse('a chunk size is too large');
            this.remaining = this.remaining * 16 + digit;
          } else if (this.sizeDigits === 0) {
            throw badResponse('a chunk size is not hexadecimal');
          } else if (byte === CR) {
            this.state = State.ChunkSizeLf;
          } else if (byte === 0x3b /* ; */ || byte === 0x20 || byte === 0x09) {
            this.state = State.ChunkExtension;
          } else {
            throw badResponse('a chunk size is not hexadecimal');
          }
          break;
        }
        case State.ChunkExtension:
          if (byte === CR) this.state = State.ChunkSizeLf;
          else if (byte === LF || byte === 0) throw badResponse('a chunk extension has a bare LF or NUL');
          else if (++this.extensionBytes > MAX_CHUNK_EXTENSION_BYTES) throw badResponse('a chunk extension is too long');
          break;
        case State.ChunkSizeLf:
          if (byte !== LF) throw badResponse('a chunk size line does not end in CRLF');
          if (this.remaining === 0) {
            this.state = State.Trailers;
            this.trailerBytes = 0;
            this.trailerLineBytes = 0;
          } else {
            this.state = State.ChunkData;
          }
          return i;
        case State.ChunkDataCr:
          if (byte !== CR) throw badResponse('chunk data is longer than its size');
          this.state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (byte !== LF) throw badResponse('chunk data is not followed by CRLF');
          this.beginChunkSize();
          break;
        case State.Trailers:
          // Trailer fields are read past, not relayed: the section ends at an empty line.
          if (++this.trailerBytes > MAX_TRAILER_BYTES) throw badResponse('its trailers are too long');
          if (byte === CR) {
            this.state = State.TrailerLf;
          } else if (byte === LF || byte === 0) {
            throw badResponse('its trailers have a bare LF or a NUL');
          } else {
            this.trailerLineBytes++;
          }
          break;
        case State.TrailerLf:
          if (byte !== LF) throw badResponse('its trailers have a bare CR');
          if (this.trailerLineBytes === 0) {
            this.complete(i < length);
            return length;
          }
          this.trailerLineBytes = 0;
          this.state = State.Trailers;
          break;
        default:
          return i - 1;
      }
    }
    return i;
  }
}

function badResponse(why: string): UpstreamError {
  return new UpstreamError('UPSTREAM_BAD_RESPONSE', `The backend's response is not valid HTTP/1.1: ${why}.`);
}

function isStatusCode(line: string): boolean {
  for (let k = 9; k < 12; k++) {
    const c = line.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return line.length === 12 || line.charCodeAt(12) === 0x20;
}

function trimOws(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && isOws(line.charCodeAt(start))) start++;
  while (end > start && isOws(line.charCodeAt(end - 1))) end--;
  return start === from && end === line.length ? line.slice(from) : line.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** A Content-Length value (a list of equal values is one value); -1 before any was seen. */
function parseContentLength(value: string, previous: number): number {
  let parsed = -1;
  for (const part of value.split(',')) {
    const digits = part.trim();
    if (!DIGITS.test(digits) || digits.length > 15) throw badResponse(`its Content-Length '${value.slice(0, 32)}' is not a length`);
    const n = Number(digits);
    if (parsed !== -1 && n !== parsed) throw badResponse('it carries conflicting Content-Length values');
    parsed = n;
  }
  if (previous !== -1 && previous !== parsed) throw badResponse('it carries conflicting Content-Length values');
  return parsed;
}

/** `timeout=N` of a Keep-Alive header, in ms; 0 when absent or not a number. */
function keepAliveHint(value: string): number {
  const match = /(?:^|[,;\s])timeout\s*=\s*(\d{1,6})/i.exec(value);
  return match === null ? 0 : Number(match[1]) * 1000;
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}
