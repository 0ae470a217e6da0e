import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, ResponseParser, type ResponseSink } from './response-parser.js';

interface Parsed {
  heads: { status: number; headers: Record<string, string | string[]> }[];
  body: string;
  completed: number;
}

/** Feeds `wire` to a fresh parser in the given pieces; returns what the sink saw. */
function parse(wire: string | Buffer, options: { head?: boolean; cuts?: number[]; finish?: boolean } = {}): Parsed & { parser: ResponseParser } {
  const seen: Parsed = { heads: [], body: '', completed: 0 };
  const sink: ResponseSink = {
    onHead: (status, headers) => seen.heads.push({ status, headers: { ...headers } }),
    onBody: (chunk) => (seen.body += chunk.toString('latin1')),
    onComplete: () => seen.completed++,
  };
  const parser = new ResponseParser(sink);
  parser.start(options.head === true);
  const bytes = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
  let from = 0;
  for (const cut of [...(options.cuts ?? []), bytes.length]) {
    if (cut > from) parser.execute(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  if (options.finish === true) parser.finish();
  return { ...seen, parser };
}

/** Parses the same bytes split once at every position: framing must not depend on how reads fall. */
function everySplit(wire: string, check: (parsed: Parsed & { parser: ResponseParser }) => void): void {
  for (let cut = 0; cut <= wire.length; cut++) check(parse(wire, { cuts: [cut] }));
  // And one byte per read.
  check(parse(wire, { cuts: [...wire].map((_, i) => i) }));
}

describe('ResponseParser', () => {
  it('reads a Content-Length response however the reads fall', () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-Two: a\r\nX-Two: b\r\n\r\nhello world';
    everySplit(wire, (p) => {
      expect(p.heads).toEqual([
        { status: 200, headers: { 'content-type': 'text/plain', 'content-length': '11', 'x-two': ['a', 'b'] } },
      ]);
      expect(p.body).toBe('hello world');
      expect(p.completed).toBe(1);
      expect(p.parser.keepAlive).toBe(true);
    });
  });

  it('reads a chunked response with extensions and trailers however the reads fall', () => {
    const wire = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: t\r\n\r\n';
    everySplit(wire, (p) => {
      expect(p.heads[0].status).toBe(201);
      expect(p.body).toBe('hello, chunked!');
      expect(p.completed).toBe(1);
      expect(p.parser.keepAlive).toBe(true);
    });
  });

  it('skips interim 1xx responses', () => {
    const p = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(p.heads.map((h) => h.status)).toEqual([200]);
    expect(p.body).toBe('ok');
  });

  it('completes HEAD, 204 and 304 responses at their headers, whatever Content-Length says', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n', { head: true }).completed).toBe(1);
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n').completed).toBe(1);
    expect(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 20\r\n\r\n').completed).toBe(1);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').completed).toBe(1);
  });

  it('reads an unframed body until the connection closes, and does not reuse the connection', () => {
    const p = parse('HTTP/1.1 200 OK\r\n\r\nuntil the end', { cuts: [20] });
    expect(p.completed).toBe(0);
    p.parser.finish();
    expect(p.body).toBe('until the end');
    expect(p.parser.keepAlive).toBe(false);
  });

  it('says whether the connection can be reused, and reads the Keep-Alive hint', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').parser.keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').parser.keepAlive).toBe(false);
    const kept = parse('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n').parser;
    expect(kept.keepAlive).toBe(true);
    expect(kept.keepAliveHintMs).toBe(5_000);
    // Bytes after a complete response were never asked for.
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n').parser.keepAlive).toBe(false);
  });

  it.each([
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n', /no name/],
    ['a bare LF in a header', 'HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\nContent-Length: 0\r\n\r\n', /CR or LF/],
    ['a NUL in a header', 'HTTP/1.1 200 OK\r\nX-A: 1\0\r\n\r\n', /control character/],
    ['conflicting Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /conflicting/],
    ['a Content-Length list that disagrees', 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n', /conflicting/],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /not a length/],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n', /not a token/],
    ['a status line that is not HTTP/1.x', 'HTTP/2 200 OK\r\n\r\n', /status line/],
    ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /status line/],
    ['a protocol switch nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n', /switched protocols/],
    ['both Transfer-Encoding and Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', /both Transfer-Encoding and Content-Length/],
    ['a control character in a header', 'HTTP/1.1 200 OK\r\nX-A: 1\x01\r\nContent-Length: 0\r\n\r\n', /control character/],
    ['a status below 100', 'HTTP/1.1 099 Odd\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', /not between 100 and 599/],
    ['a trailer line ending in a bare LF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\n\r\n', /bare LF/],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /not hexadecimal/],
    ['a huge chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n', /too large/],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /longer than its size/],
  ])('refuses %s', (_name, wire, message) => {
    expect(() => parse(wire)).toThrow(message);
    try {
      parse(wire);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('UPSTREAM_BAD_RESPONSE');
    }
  });

  it('bounds the head and the trailers', () => {
    const bigHeader = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`;
    expect(() => parse(bigHeader)).toThrow(/exceed/);
    // Also when the head arrives in small reads and never ends.
    expect(() => parse(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES + 10)}`, { cuts: [100, 1000, 40_000] })).toThrow(/exceed/);
    const bigTrailer = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ${'t'.repeat(70_000)}\r\n\r\n`;
    expect(() => parse(bigTrailer)).toThrow(/trailers are too long/);
  });

  it('reports a response cut short by the connection closing', () => {
    const p = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf');
    expect(() => p.parser.finish()).toThrow(expect.objectContaining({ code: 'UPSTREAM_CLOSED' }));
    const q = parse('HTTP/1.1 200 OK\r\nContent-');
    expect(() => q.parser.finish()).toThrow(/before its headers were complete/);
  });

  it('hands body bytes on as views of the read buffer, without copying', () => {
    const wire = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody', 'latin1');
    const chunks: Buffer[] = [];
    const parser = new ResponseParser({ onHead: () => undefined, onBody: (c) => chunks.push(c), onComplete: () => undefined });
    parser.start(false);
    parser.execute(wire);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].buffer).toBe(wire.buffer);
  });

  it('keeps a repeated header a list, and a header named __proto__ a header', () => {
    const p = parse('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n__proto__: x\r\nContent-Length: 0\r\n\r\n');
    expect(p.heads[0].headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(p.heads[0].headers['__proto__']).toBe('x');
  });
});
