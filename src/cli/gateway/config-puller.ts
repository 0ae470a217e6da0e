import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ConfigSnapshot } from '../../config/snapshot.js';
import type { Say } from '../start/shutdown.js';
import type { SnapshotBackup } from './backup.js';
import type { ConfigClient, PullResult } from './config-client.js';
import type { PulledSnapshotSource } from './pulled-snapshot-source.js';

/** How long management may hold each long poll; a write reaches the gateway as soon as it is published. */
const LONG_POLL_SECONDS = 30;

export interface ConfigPullerOptions {
  client: ConfigClient;
  source: PulledSnapshotSource;
  /** Compiles a snapshot as the gateway would; throws to refuse it (see cli/snapshot-check.ts). */
  check: (snapshot: ConfigSnapshot) => void;
  backup?: SnapshotBackup;
  /** For the operator's messages. */
  managementUrl: string;
  say: Say;
  logger: Logger;
  /** First retry delay after a failed pull, ms; doubles up to maxRetryMs. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * Keeps the gateway's configuration current: long-polls management with the revision it
 * last received, compiles what comes before handing it on (a snapshot that does not
 * compile is refused whole and the gateway keeps serving the one it has), saves accepted
 * snapshots to the backup, and while management is away (unreachable, failing, or
 * refusing the token) retries with backoff, serving the last good snapshot ("fail static").
 *
 * The revision sent in If-None-Match is the newest *received*, accepted or not: a refused
 * revision will not compile on a second try, so the puller waits for the next one rather
 * than fetching it again and again; the gateway's own revision only moves on acceptance.
 */
export class ConfigPuller {
  private lastSeen: number | undefined;
  private trouble: string | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private lastSave: Promise<void> = Promise.resolve();
  private backupFailing = false;

  constructor(private readonly options: ConfigPullerOptions) {}

  /** One pull without waiting (the start-up pull). */
  pullNow(): Promise<PullResult> {
    return this.options.client.pull({ known: this.lastSeen, waitSeconds: 0, signal: this.abort.signal });
  }

  /**
   * Compiles and, when it compiles, publishes a snapshot (and saves it to the backup when
   * it came from management). Returns why it was refused, or undefined when it was taken
   * (or is not newer than what is served, which is nothing to do).
   */
  accept(snapshot: ConfigSnapshot, from: 'management' | 'backup'): string | undefined {
    this.lastSeen = snapshot.revision;
    const serving = this.options.source.current();
    if (serving !== undefined && snapshot.revision <= serving.revision) return undefined;
    try {
      this.options.check(snapshot);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.logger.error({ revision: snapshot.revision, keptRevision: serving?.revision, reason, from }, 'gateway configuration refused');
      if (serving !== undefined) this.options.say(`refused configuration revision ${snapshot.revision}: ${reason}; still serving revision ${serving.revision}`);
      return reason;
    }
    this.options.source.publish(snapshot);
    this.options.logger.info({ revision: snapshot.revision, from }, 'gateway configuration accepted');
    if (from === 'management' && this.options.backup !== undefined) this.save(this.options.backup, snapshot);
    return undefined;
  }

  /** Resolves when the last backup write asked for has finished (or failed, which was reported). */
  backupWritten(): Promise<void> {
    return this.lastSave;
  }

  /** Starts long-polling in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the current long poll and the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    await this.lastSave;
    await this.options.client.close();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      // After trouble, a quick pull first: it tells at once that management is back (a long
      // poll would only answer when something changes) and picks up what changed meanwhile.
      const waitSeconds = this.trouble === undefined ? LONG_POLL_SECONDS : 0;
      const result = await this.options.client.pull({ known: this.lastSeen, waitSeconds, signal: this.abort.signal });
      if (this.stopped) return;
      if (result.kind === 'snapshot' || result.kind === 'unchanged') {
        this.recovered();
        failures = 0;
        if (result.kind === 'snapshot') this.accept(result.snapshot, 'management');
        continue;
      }
      this.troubled(
        result.kind === 'refused'
          ? `management at ${this.options.managementUrl} refused the gateway token: ${result.reason}`
          : `management at ${this.options.managementUrl} is unreachable (${result.reason})`,
      );
      const delay = Math.min((this.options.minRetryMs ?? 500) * 2 ** failures, this.options.maxRetryMs ?? 10_000);
      failures = Math.min(failures + 1, 30);
      await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }

  /** Says so once per kind of trouble, not once per retry. */
  private troubled(reason: string): void {
    if (this.trouble === reason) return;
    this.trouble = reason;
    const serving = this.options.source.current()?.revision;
    this.options.say(`${reason.replace(/\.$/, '')}; still serving revision ${serving ?? 'none'}; retrying`);
    this.options.logger.warn({ reason, revision: serving }, 'configuration pull failing');
  }

  private recovered(): void {
    if (this.trouble === undefined) return;
    this.trouble = undefined;
    this.options.say(`management at ${this.options.managementUrl} is reachable again`);
  }

  private save(backup: SnapshotBackup, snapshot: ConfigSnapshot): void {
    this.lastSave = backup.save(snapshot).then(
      () => {
        this.backupFailing = false;
      },
      (error: unknown) => {
        const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        this.options.logger.error({ file: backup.file, reason }, 'writing the gateway backup failed');
        if (!this.backupFailing) this.options.say(`cannot write the backup ${backup.file} (${reason}); serving continues`);
        this.backupFailing = true;
      },
    );
  }
}
