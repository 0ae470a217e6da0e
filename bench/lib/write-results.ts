import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderComparison, renderScale } from './markdown.js';
import { RESULTS_DIR } from './paths.js';
import type { BenchReport } from './report.js';

/** Writes `<stamp>-<scenario>.json|md` and the scenario's `latest` markdown; returns the paths. */
export function writeResults(report: BenchReport, dir = RESULTS_DIR): { json: string; markdown: string; latest: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const markdownText = report.scenario === 'scale' ? renderScale(report) : renderComparison(report);
  const json = join(dir, `${stamp}-${report.scenario}.json`);
  const markdown = join(dir, `${stamp}-${report.scenario}.md`);
  const latest = join(dir, report.scenario === 'scale' ? 'latest-scale.md' : 'latest.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, markdownText);
  writeFileSync(latest, markdownText);
  return { json, markdown, latest };
}
