import { connect } from 'node:net';

export interface RawResponse {
  statusCode: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
  /** Everything read from the socket. */
  raw: string;
}

/**
 * Writes bytes exactly as given to `127.0.0.1:port` and reads one HTTP/1.1 response
 * (Content-Length, chunked, or until the server closes). For edge-rule tests that a
 * well-behaved client library would refuse to send.
 */
export function sendRaw(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const parsed = parseResponse(data.toString('latin1'));
      if (parsed === null) reject(new Error(`incomplete response: ${JSON.stringify(data.toString('latin1'))}`));
      else resolve(parsed);
    };
    const timer = setTimeout(() => finish(new Error('raw request timed out')), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseResponse(data.toString('latin1'));
      if (parsed !== null && parsed.complete) finish();
    });
    socket.on('end', () => finish());
    socket.on('error', (err) => (data.length > 0 ? finish() : finish(err)));
  });
}

function parseResponse(text: string): (RawResponse & { complete: boolean }) | null {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const statusCode = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = text.slice(headEnd + 4);
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return { statusCode, headers, body: rest.slice(0, length), raw: text, complete: rest.length >= length };
  }
  if (headers['transfer-encoding']?.includes('chunked')) {
    const body = decodeChunked(rest);
    return { statusCode, headers, body: body ?? '', raw: text, complete: body !== null };
  }
  return { statusCode, headers, body: rest, raw: text, complete: false };
}

function decodeChunked(text: string): string | null {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return text.indexOf('\r\n\r\n', lineEnd) === -1 && !text.endsWith('\r\n') ? null : out;
    const start = lineEnd + 2;
    if (text.length < start + size + 2) return null;
    out += text.slice(start, start + size);
    at = start + size + 2;
  }
}
