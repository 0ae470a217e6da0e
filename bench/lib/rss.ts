import { readFileSync, readdirSync } from 'node:fs';

/** Reads one `kB` field of /proc/<pid>/status, in bytes; 0 when the process is gone. */
function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]) * 1024;
}

/** The pid and its descendants (nginx runs a master and workers; both count). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name sits in parentheses and may hold spaces; ppid is the 2nd field after it.
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(afterName[1]);
    let list = children.get(ppid);
    if (list === undefined) children.set(ppid, (list = []));
    list.push(Number(entry));
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Current resident set of a process tree, bytes. */
export function treeRss(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);
}

/**
 * Peak resident memory of a process tree. Sampling the sum of VmRSS catches the peak of
 * a multi-process system (VmHWM is per process); for a single process the kernel's own
 * high-water mark is folded in, so a spike between two samples is not missed.
 */
export class RssSampler {
  private peakBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Peak so far; reads the single-process high-water mark as well. */
  get peak(): number {
    this.sample();
    const tree = processTree(this.pid);
    const hwm = tree.length === 1 ? statusField(this.pid, 'VmHWM') : 0;
    return Math.max(this.peakBytes, hwm);
  }

  /** Forgets the peak so far (VmHWM cannot be reset, so later peaks come from sampling only). */
  resetSampled(): void {
    this.peakBytes = 0;
    this.sample();
  }

  /** Peak of the samples only, since the last reset. */
  get sampledPeak(): number {
    this.sample();
    return this.peakBytes;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private sample(): void {
    const rss = treeRss(this.pid);
    if (rss > this.peakBytes) this.peakBytes = rss;
  }
}
