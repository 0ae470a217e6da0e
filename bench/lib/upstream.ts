import { join } from 'node:path';
import { UPSTREAM_BODY } from '../systems/route.js';
import { startNginx } from './nginx.js';
import { benchBin, REPO_ROOT } from './paths.js';
import { freePort } from './ports.js';
import { startService, type RunningService } from './service.js';

export interface Upstream {
  kind: 'nginx' | 'node';
  url: string;
  service: RunningService;
}

/** nginx answering a fixed JSON body when installed (it costs the machine least), else a node server. */
export async function startUpstream(nginx: string | null, workDir: string, logDir: string): Promise<Upstream> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (nginx !== null) {
    const service = await startNginx({
      name: 'upstream-nginx',
      executable: nginx,
      port,
      workers: 1,
      role: { kind: 'upstream', body: UPSTREAM_BODY },
      dir: join(workDir, 'nginx-upstream'),
      logDir,
      readyUrl: `${url}/`,
    });
    return { kind: 'nginx', url, service };
  }
  const service = await startService({
    name: 'upstream-node',
    command: process.execPath,
    args: [benchBin('node-upstream'), '--port', String(port)],
    cwd: REPO_ROOT,
    readyUrl: `${url}/`,
    ready: (status) => status === 200,
    logDir,
  });
  return { kind: 'node', url, service };
}
