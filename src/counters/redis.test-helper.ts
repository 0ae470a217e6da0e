/**
 * Redis test plumbing: probing the shared Redis, deleting a test run's own keys, and a
 * private `redis-server` on a free port that tests may kill, stall and restart (the shared
 * Redis on 6379 is never touched beyond the test's own prefixed keys).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const SHARED_REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One short-lived client that does not retry, for probes and housekeeping. */
export function plainClient(url: string): Redis {
  return new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
}

export async function probeRedis(url: string): Promise<boolean> {
  const client = plainClient(url);
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Every key under `prefix`, via SCAN (never KEYS: the shared Redis may be busy). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`)}*`;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const client = plainClient(url);
  client.on('error', () => {});
  try {
    await client.connect();
    const keys = await keysWithPrefix(client, prefix);
    for (let i = 0; i < keys.length; i += 500) await client.unlink(...keys.slice(i, i + 500));
    return keys.length;
  } finally {
    client.disconnect();
  }
}

export interface PrivateRedisServer {
  readonly url: string;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
  /** Start again on the same port (empty: `--save ""`, no AOF). */
  start(): Promise<void>;
  /** SIGSTOP: the socket stays open but nothing answers — a stalled Redis. */
  pause(): void;
  resume(): void;
  /** Kill if running and remove the working directory. */
  dispose(): Promise<void>;
}

export async function startPrivateRedisServer(): Promise<PrivateRedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'portico-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (!(await probeRedis(url))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (port ${port})`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s`);
      await sleep(25);
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGCONT');
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url,
    kill,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    dispose: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
