import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time, in ms, that every process whose command line mentions `marker` has used so far; undefined without Linux's /proc. */
async function cpuMsOf(marker: string): Promise<number | undefined> {
  let pids: string[];
  try {
    pids = await readdir('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of pids) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(marker)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** How a wait for quiet ended. */
export interface QuietWait {
  /** Time waited, ms. */
  readonly waitedMs: number;
  /** False when `maxMs` passed first (the run then starts anyway). */
  readonly quiet: boolean;
  /** False where CPU times cannot be read (no /proc, e.g. macOS): the run starts at once, unchecked. */
  readonly measured: boolean;
}

/**
 * Waits until the processes whose command line mentions `marker` (a Chromium profile directory) use
 * less than `share` of one core over a window of `windowMs`, or `maxMs` has passed. Before a timed
 * run this lets the browser finish what the previous run left behind (LevelDB compactions of the
 * data it wrote, a new profile's start-up work), which would otherwise be timed with the next row.
 */
export async function waitForQuiet(
  marker: string,
  { windowMs = 250, share = 0.05, maxMs = 15_000 }: { windowMs?: number; share?: number; maxMs?: number } = {},
): Promise<QuietWait> {
  const start = performance.now();
  const first = await cpuMsOf(marker);
  if (first === undefined) return { waitedMs: 0, quiet: false, measured: false };
  let before: number = first;
  // Bounded by maxMs: each turn waits one window.
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now: number = (await cpuMsOf(marker)) ?? before;
    const waitedMs = performance.now() - start;
    if (now - before < windowMs * share) return { waitedMs, quiet: true, measured: true };
    if (waitedMs >= maxMs) return { waitedMs, quiet: false, measured: true };
    before = now;
  }
}
