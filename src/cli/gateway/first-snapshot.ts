import type { ConfigSnapshot } from '../../config/snapshot.js';
import type { Say } from '../start/shutdown.js';
import { StartupError } from '../start/startup-error.js';
import { BackupError, type SnapshotBackup } from './backup.js';
import type { ConfigPuller } from './config-puller.js';

export interface FirstSnapshotOptions {
  puller: ConfigPuller;
  backup: SnapshotBackup | undefined;
  managementUrl: string;
  say: Say;
}

/**
 * The snapshot the gateway starts with: management's, else (management unreachable, or its
 * snapshot does not compile here) the backup's. A token management refuses ends the start:
 * serving a stale backup with a token that no longer works would only hide the problem
 * until the next restart. Throws a StartupError saying what failed when neither works.
 */
export async function loadFirstSnapshot({ puller, backup, managementUrl, say }: FirstSnapshotOptions): Promise<ConfigSnapshot> {
  const result = await puller.pullNow();
  let problem: string;
  switch (result.kind) {
    case 'snapshot': {
      const refusal = puller.accept(result.snapshot, 'management');
      if (refusal === undefined) return result.snapshot;
      problem = `the configuration from management at ${managementUrl} (revision ${result.snapshot.revision}) does not compile: ${refusal}`;
      break;
    }
    case 'refused':
      throw new StartupError(`management at ${managementUrl} refused the gateway token: ${result.reason}`);
    case 'unchanged':
      problem = `management at ${managementUrl} answered 304 to a first pull`;
      break;
    case 'unavailable':
      problem = `management at ${managementUrl} is unreachable (${result.reason})`;
      break;
  }
  return fromBackup(puller, backup, problem, say);
}

async function fromBackup(puller: ConfigPuller, backup: SnapshotBackup | undefined, problem: string, say: Say): Promise<ConfigSnapshot> {
  if (backup === undefined) throw new StartupError(`cannot start: ${problem}, and there is no backup to start from (--backup DIR is not set)`);
  let opened;
  try {
    opened = await backup.read();
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    throw new StartupError(`cannot start: ${problem}, and the backup ${backup.file} cannot be used: ${error.message}`);
  }
  if (opened === undefined) throw new StartupError(`cannot start: ${problem}, and there is no backup in ${backup.dir} yet`);
  const refusal = puller.accept(opened.snapshot, 'backup');
  if (refusal !== undefined) throw new StartupError(`cannot start: ${problem}, and the backup (revision ${opened.snapshot.revision}) does not compile: ${refusal}`);
  say(`${problem}; starting from the backup of revision ${opened.snapshot.revision} saved at ${opened.savedAt}; management is retried in the background`);
  return opened.snapshot;
}
