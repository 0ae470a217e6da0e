import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Systems run from JavaScript compiled into node_modules/.cache (see build.ts); this code
// runs both from source (the harness, under tsx) and from there (the systems).
const BUILD_SUBDIR = join('node_modules', '.cache', 'portico-bench');
const CODE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPILED = CODE_ROOT.endsWith(`${sep}${BUILD_SUBDIR}`);

/** The repository root: children run from here. */
export const REPO_ROOT = COMPILED ? CODE_ROOT.slice(0, -BUILD_SUBDIR.length - 1) : CODE_ROOT;
/**
 * Where the bench scripts and the product code they import are compiled. Under the
 * repository's node_modules so that compiled code resolves the product's dependencies.
 */
export const BUILD_DIR = join(REPO_ROOT, BUILD_SUBDIR);
export const BENCH_DIR = join(REPO_ROOT, 'bench');
export const PEERS_DIR = join(BENCH_DIR, 'peers');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** Compiled entry script the harness runs as a separate process. */
export function benchBin(name: string): string {
  return join(BUILD_DIR, 'bench', 'bin', `${name}.js`);
}

/** A repository module as the running code can import it: the .ts source, or its compiled .js. */
export function runtimeModulePath(sourcePath: string): string {
  return COMPILED ? join(BUILD_DIR, sourcePath.replace(/\.ts$/, '.js')) : join(REPO_ROOT, sourcePath);
}
