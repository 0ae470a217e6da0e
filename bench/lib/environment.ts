import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

export interface BenchEnvironment {
  node: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadGenerator: string;
  upstream: string;
  nginx: string | null;
}

function nginxVersion(executable: string | null): string | null {
  if (executable === null) return null;
  // nginx prints its version on stderr.
  const result = spawnSync(executable, ['-v'], { encoding: 'utf8' });
  return (result.stderr || result.stdout).trim().replace(/^nginx version: nginx\//, '') || null;
}

export function describeEnvironment(loadGenerator: string, upstream: string, nginx: string | null): BenchEnvironment {
  const cpuList = cpus();
  return {
    node: process.version,
    os: `${process.platform} ${release()}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadGenerator,
    upstream,
    nginx: nginxVersion(nginx),
  };
}
