import { freePort } from '../lib/ports.js';
import { progress, type Harness } from '../lib/harness.js';
import type { InterleavedOutcome, Contestant } from '../lib/interleave.js';
import { summarize, type SystemResult } from '../lib/results.js';
import { ServicePendingError, type RunningService } from '../lib/service.js';
import { verifyRoute } from '../lib/verify-route.js';
import type { SystemUnderTest } from '../systems/types.js';

interface StartedSystem {
  system: SystemUnderTest;
  service: RunningService;
  port: number;
}

/**
 * The systems of one scenario: started one by one (each on its own free port, each
 * checked end to end), then measured together by the interleaved runs. A system that
 * is pending, unavailable or broken gets a result saying so instead of a number.
 */
export class Lineup {
  private readonly started: StartedSystem[] = [];
  private readonly notRunning = new Map<string, SystemResult>();

  constructor(
    private readonly harness: Harness,
    private readonly systems: readonly SystemUnderTest[],
  ) {}

  async start(): Promise<void> {
    const { ctx } = this.harness;
    for (const system of this.systems) {
      const pending = await system.pending(ctx);
      if (pending !== null) {
        this.setNotRunning(system, 'pending', pending);
        continue;
      }
      const unavailable = await system.unavailable(ctx);
      if (unavailable !== null) {
        this.setNotRunning(system, 'skipped', unavailable);
        continue;
      }
      try {
        const port = await freePort();
        const service = this.harness.track(await system.start(ctx, port));
        const problem = await verifyRoute(port, system.request, system.expectHeader);
        if (problem !== null) {
          await service.stop();
          this.setNotRunning(system, 'failed', problem);
          continue;
        }
        this.started.push({ system, service, port });
        progress(`started ${system.id} (pid ${service.pid}, port ${port})`);
      } catch (err) {
        if (err instanceof ServicePendingError) this.setNotRunning(system, 'pending', err.reason);
        else this.setNotRunning(system, 'failed', (err as Error).message.split('\n')[0]);
      }
    }
  }

  get contestants(): Contestant[] {
    return this.started.map(({ system, port }) => ({
      id: system.id,
      url: `http://127.0.0.1:${port}${system.request.path}`,
      headers: system.request.headers,
    }));
  }

  service(id: string): RunningService | undefined {
    return this.started.find((s) => s.system.id === id)?.service;
  }

  /** One result per system, in the lineup's order. */
  results(outcome: InterleavedOutcome): SystemResult[] {
    return this.systems.map((system) => {
      const absent = this.notRunning.get(system.id);
      if (absent !== undefined) return absent;
      const runs = outcome.runs.get(system.id) ?? [];
      const failure = outcome.failures.get(system.id);
      return {
        id: system.id,
        letter: system.letter,
        label: system.label,
        status: failure === undefined ? 'measured' : 'failed',
        ...(failure === undefined ? {} : { note: failure }),
        runs,
        summary: summarize(runs),
        peakRssBytes: this.service(system.id)?.rss.peak ?? null,
        ratio: null,
      };
    });
  }

  private setNotRunning(system: SystemUnderTest, status: SystemResult['status'], note: string): void {
    progress(`${system.id}: ${status}: ${note}`);
    this.notRunning.set(system.id, {
      id: system.id,
      letter: system.letter,
      label: system.label,
      status,
      note,
      runs: [],
      summary: null,
      peakRssBytes: null,
      ratio: null,
    });
  }
}
