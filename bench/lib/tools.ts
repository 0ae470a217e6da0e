import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PEERS_DIR } from './paths.js';

// nginx lives in /usr/sbin, which is not on every user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Absolute path of an executable, or null when it is not installed. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The peers and autocannon live in bench/peers with their own lockfile, never in the
 * product's dependencies; installed on first use.
 */
export function ensurePeersInstalled(): void {
  if (existsSync(join(PEERS_DIR, 'node_modules', '.package-lock.json'))) return;
  process.stderr.write('bench: installing peers (npm --prefix bench/peers ci)…\n');
  const result = spawnSync('npm', ['--prefix', PEERS_DIR, 'ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm --prefix bench/peers ci failed');
}

export function peerModulePath(...segments: string[]): string {
  return join(PEERS_DIR, 'node_modules', ...segments);
}
