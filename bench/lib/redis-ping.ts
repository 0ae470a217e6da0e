import { connect } from 'node:net';

/** True when a Redis server answers PING at the URL (no client library needed for that). */
export function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A password-protected server answers -NOAUTH: still a Redis that is up.
    socket.once('data', (data: Buffer) => done(data.toString('utf8').startsWith('+PONG') || data.toString('utf8').startsWith('-NOAUTH')));
  });
}
