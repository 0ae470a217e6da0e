import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, BUILD_DIR, REPO_ROOT } from './paths.js';

/**
 * Compiles the bench's child scripts, and the product code they import, to plain
 * JavaScript with tsc (no type check: `npm run lint` does that). Systems then run on
 * bare `node` as production does: a tsx loader would add its loader thread and an
 * esbuild child process to every system's CPU and memory.
 */
export function buildBenchScripts(): void {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const roots = readdirSync(join(BENCH_DIR, 'bin'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('bench', 'bin', f))
    // Started by path (node cluster), so no import reaches it.
    .concat(join('src', 'cli', 'start', 'workers', 'worker-entry.ts'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      '--outDir', BUILD_DIR,
      '--rootDir', REPO_ROOT,
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--target', 'es2022',
      '--types', 'node',
      '--noCheck',
      '--skipLibCheck',
      '--sourceMap', 'false',
      '--declaration', 'false',
      ...roots,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`compiling the bench scripts failed:\n${result.stdout}${result.stderr}`);
}
