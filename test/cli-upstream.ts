import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  url: string;
  close(): Promise<void>;
}

/**
 * A real HTTP backend for CLI tests. `/slow/{ms}` answers after that many milliseconds
 * and calls `onSlowStart` when the request arrives, so a test can act while it is in flight.
 */
export async function startUpstream(onSlowStart?: () => void): Promise<Upstream> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const slow = /^\/slow\/(\d+)$/.exec(request.url ?? '');
    if (slow) {
      onSlowStart?.();
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.end(`slow done after ${slow[1]} ms`);
      }, Number(slow[1]));
      timers.add(timer);
      return;
    }
    response.end(`upstream saw ${request.method} ${request.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
