import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatus } from './http-probe.js';
import { RssSampler } from './rss.js';

/**
 * Exit code a launcher uses to say "this system cannot run yet" (EX_CONFIG), with a
 * `PENDING: reason` line on stderr: the harness reports it instead of a number.
 */
export const PENDING_EXIT_CODE = 78;

export class ServicePendingError extends Error {
  constructor(readonly reason: string) {
    super(`pending: ${reason}`);
  }
}

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Polled until `ready(status)` holds. */
  readyUrl: string;
  ready?: (status: number) => boolean;
  /** Folder for the service's stdout+stderr log. */
  logDir: string;
  startTimeoutMs?: number;
}

export interface RunningService {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly rss: RssSampler;
  /** Sends a signal to the service's main process (the scale scenario reloads with SIGHUP). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * Starts a system (or an upstream) as its own process. Output goes straight to a log
 * file at the descriptor level, so a chatty system (access logs) costs the harness
 * nothing and cannot block on a full pipe.
 */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal === null ? null : -1);
      resolve();
    });
    child.once('error', () => {
      exitCode = -1;
      resolve();
    });
  });

  const deadline = Date.now() + (spec.startTimeoutMs ?? 30_000);
  const isReady = spec.ready ?? ((status: number) => status < 500);
  for (;;) {
    if (exitCode !== undefined) throw startFailure(spec.name, exitCode, logFile);
    const status = await httpStatus(spec.readyUrl, {}, 1_000);
    if (status !== null && isReady(status)) break;
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(`${spec.name} was not ready within ${spec.startTimeoutMs ?? 30_000} ms (log: ${logFile})`);
    }
    await sleep(100);
  }

  const pid = child.pid!;
  const rss = new RssSampler(pid).start();
  return {
    name: spec.name,
    pid,
    logFile,
    rss,
    signal: (signal) => {
      child.kill(signal);
    },
    stop: async () => {
      rss.stop();
      await stopChild(child, exited);
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

function startFailure(name: string, code: number | null, logFile: string): Error {
  const log = readTail(logFile);
  if (code === PENDING_EXIT_CODE) {
    const reason = /^PENDING: (.+)$/m.exec(log)?.[1] ?? 'not available yet';
    return new ServicePendingError(reason);
  }
  return new Error(`${name} exited with code ${code} before it was ready (log: ${logFile})\n${log}`);
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2_000);
  } catch {
    return '';
  }
}
