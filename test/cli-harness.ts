import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root; the CLI runs from source through tsx so tests need no build. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI_ARGS = ['--import', 'tsx', 'src/cli/main.ts'];

/**
 * How long a test waits for a line from a starting server. Generous on purpose: tests run
 * from source through tsx, in parallel, on small CI machines; readiness time itself is a
 * benchmark concern (no timed assertions in tests).
 */
export const STARTUP_TIMEOUT_MS = 20_000;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An environment without the caller's PORTICO_* settings, so a developer's shell cannot change a test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PORTICO_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a short-lived command (validate, --help, a start that must fail) to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 20_000): Promise<CliResult> {
  const running = new RunningCli(args, env);
  return running.exited(timeoutMs);
}

/** A `portico` process the test talks to while it runs; output is collected as it arrives. */
export class RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private readonly done: Promise<CliResult>;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
    this.child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.done = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves with the first match of `pattern` in stdout; fails with all output so far on timeout or exit. */
  async waitFor(pattern: RegExp, timeoutMs = STARTUP_TIMEOUT_MS): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`portico exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}\n${this.output()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, left);
        function finish(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(finish);
      });
    }
  }

  /** The ports printed on the `listening` line. */
  async addresses(timeoutMs = STARTUP_TIMEOUT_MS): Promise<{ gateway: string; admin: string }> {
    const [, gateway, admin] = await this.waitFor(/^portico: listening gateway=(\S+) admin=(\S+)$/m, timeoutMs);
    return { gateway, admin };
  }

  async exited(timeoutMs = 20_000): Promise<CliResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`portico did not exit within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM and wait; used by afterEach so no test leaves a server behind. */
  async stop(timeoutMs = 20_000): Promise<CliResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited(timeoutMs);
  }

  output(): string {
    return `--- stdout ---\n${this.stdout}--- stderr ---\n${this.stderr}`;
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}
