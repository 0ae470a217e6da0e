import { createServer } from 'node:net';

/**
 * A port the kernel reports free on 127.0.0.1. Nginx and the peers take a port number,
 * not port 0, so the harness picks one and hands it over; the short window between
 * closing this probe and the child binding is acceptable on a benchmark machine.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port reported'))));
    });
  });
}
