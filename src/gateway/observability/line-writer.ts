import { closeSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LineWriterOptions {
  /** Write once this many bytes are pending (default 64 KiB)… */
  batchBytes?: number;
  /** …or this often, so a quiet process's lines still show within a moment (default 200 ms). */
  flushMs?: number;
  /** Lines pending beyond this are dropped (and counted) rather than held: a stuck disk must not grow the heap. Default 16 MiB. */
  maxPendingBytes?: number;
}

/**
 * Appends lines to a file descriptor in batches, asynchronously (one `fs.write` per batch
 * on the thread pool): the event loop never waits for the disk or a slow pipe reader.
 * Measured against pino's sonic-boom destination, whose per-line bookkeeping cost about
 * 4 µs a line, this costs about 0.5 µs (docs/observability.md).
 */
export class LineWriter {
  private parts: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private closed = false;
  private readonly batchBytes: number;
  private readonly maxPendingBytes: number;
  private readonly timer: NodeJS.Timeout;
  private idle: (() => void) | null = null;
  /** Lines dropped: too much was pending, or a write failed. */
  dropped = 0;

  private constructor(
    private readonly fd: number,
    private readonly ownsFd: boolean,
    options: LineWriterOptions,
  ) {
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.maxPendingBytes = options.maxPendingBytes ?? 16 * 1024 * 1024;
    this.timer = setInterval(this.writePending, options.flushMs ?? 200).unref();
  }

  /** Appends to a file (created, with its folder, when missing; mode 0640). */
  static toFile(path: string, options: LineWriterOptions = {}): LineWriter {
    mkdirSync(dirname(path), { recursive: true });
    return new LineWriter(openSync(path, 'a', 0o640), true, options);
  }

  /** Writes to an inherited descriptor (1: stdout), never closed here. */
  static toFd(fd: number, options: LineWriterOptions = {}): LineWriter {
    return new LineWriter(fd, false, options);
  }

  /** `line` must end with a newline. */
  write(line: string): void {
    if (this.closed) return;
    if (this.pendingBytes > this.maxPendingBytes) {
      this.dropped++;
      return;
    }
    this.parts.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= this.batchBytes) this.writePending();
  }

  /** Writes what is pending now, synchronously, unless an asynchronous write is in flight (order first). */
  flushSync(): void {
    if (this.writing || this.parts.length === 0) return;
    const buffer = this.take();
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
  }

  /** Waits for the write in flight, writes the rest, stops the timer and closes an owned file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.writing) await new Promise<void>((resolve) => (this.idle = resolve));
    try {
      this.flushSync();
    } catch {
      // A full non-blocking pipe at exit: the last lines are lost rather than blocking shutdown.
    } finally {
      if (this.ownsFd) closeSync(this.fd);
    }
  }

  private take(): Buffer {
    const buffer = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.pendingBytes = 0;
    return buffer;
  }

  private readonly writePending = (): void => {
    if (this.writing || this.parts.length === 0) return;
    this.writing = true;
    this.send(this.take(), 0);
  };

  private send(buffer: Buffer, offset: number): void {
    write(this.fd, buffer, offset, buffer.length - offset, null, (err, written) => {
      if (err !== null) {
        // A non-blocking pipe that is full: try again shortly. Other errors drop the batch.
        if (err.code === 'EAGAIN') {
          setTimeout(() => this.send(buffer, offset), 10).unref();
          return;
        }
        this.dropped += linesIn(buffer, offset);
      } else if (offset + written < buffer.length) {
        this.send(buffer, offset + written);
        return;
      }
      this.writing = false;
      if (this.idle !== null) {
        const idle = this.idle;
        this.idle = null;
        idle();
      } else if (this.pendingBytes >= this.batchBytes) this.writePending();
    });
  }
}

/** Lines (newline-terminated) from `offset` on: what a failed write loses. */
function linesIn(buffer: Buffer, offset: number): number {
  let lines = 0;
  for (let at = buffer.indexOf(10, offset); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
  return lines;
}
