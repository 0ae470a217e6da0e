import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PorticoError } from '../../model/errors.js';

export const LOCK_FILE = 'portico.lock';

/** Another live process holds the data folder. */
export class DataFolderInUseError extends PorticoError {
  constructor(dataDir: string, pid: number) {
    super('DataFolderInUse', 500, `the data folder ${dataDir} is in use by another portico process (pid ${pid}); stop it or use --data`);
  }
}

/**
 * One all-in-one process per data folder: its gateway only sees the writes made through
 * its own management API, so a second process on the same folder would serve a stale
 * configuration and could rewrite the demo backend under the first one. The lock file
 * holds the owner's pid; a lock left by a process that no longer runs is taken over.
 * Returns the release function.
 */
export async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new DataFolderInUseError(dataDir, holder);
    }
    // Stale (its process is gone) or unreadable: remove it and try again.
    await unlink(path).catch(() => undefined);
  }
  throw new PorticoError('DataFolderLockFailed', 500, `could not lock the data folder ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
