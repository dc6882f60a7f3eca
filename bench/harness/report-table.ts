import type { RowSamples, RunOutcome } from './measure-rows.ts';
import { BASELINE_ROW } from './row-catalog.ts';
import { fmt, fmtSpread, perSecond, type Spread, spread } from './summarize.ts';

/** One summarized row: writes/s medians, ratio to the baseline, extras. */
export interface RowSummary {
  readonly id: string;
  readonly label: string;
  readonly place: string;
  readonly n: number;
  readonly network: boolean;
  readonly attached: Spread | undefined;
  readonly unattached: Spread | undefined;
  /** The figure quoted for the row: unattached for network rows (when measured), attached otherwise. */
  readonly quoted: Spread | undefined;
  /** quoted median ÷ baseline median (same run). */
  readonly ratio: number | undefined;
  /** The quoted figure of each measured round, by round number (for comparing rows round by round). */
  readonly byRound: Readonly<Record<number, number>>;
  readonly extras: Readonly<Record<string, Spread>>;
  readonly errors: readonly string[];
}

const rates = (runs: readonly RunOutcome[]): number[] => runs.map((r) => perSecond(r.ops, r.ms));

function extrasOf(runs: readonly RunOutcome[]): Record<string, Spread> {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.extra)));
  const out: Record<string, Spread> = {};
  for (const key of keys) {
    const s = spread(runs.map((r) => r.extra[key]).filter((v): v is number => typeof v === 'number'));
    if (s) out[key] = s;
  }
  return out;
}

/** Turns raw samples into summaries, with ratios to the baseline row measured in the same run. */
export function summarizeRows(all: readonly RowSamples[]): RowSummary[] {
  const base = spread(rates(all.find((s) => s.spec.id === BASELINE_ROW)?.attached ?? []));
  return all.map((s) => {
    const attached = spread(rates(s.attached));
    const unattached = spread(rates(s.unattached));
    const quotedRuns = s.spec.network && unattached !== undefined ? s.unattached : s.attached;
    const quoted = s.spec.network && unattached !== undefined ? unattached : attached;
    const byRound: Record<number, number> = {};
    for (const run of quotedRuns) byRound[run.round] = perSecond(run.ops, run.ms);
    return {
      id: s.spec.id,
      label: s.spec.label,
      place: s.spec.place,
      n: s.n,
      network: s.spec.network,
      attached,
      unattached,
      quoted,
      ratio: base && quoted ? quoted.median / base.median : undefined,
      byRound,
      extras: extrasOf([...s.attached, ...s.unattached]),
      errors: s.errors,
    };
  });
}

/** The throughput table, in Markdown (printed and pasted into docs/BENCHMARKS.md). */
export function throughputTable(rows: readonly RowSummary[]): string {
  const lines = [
    '| row | runs in | N | writes/s, Playwright attached: median (min–max) | writes/s, nothing attached: median (min–max) | × baseline |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ratio = r.ratio === undefined ? '–' : `${fmt(r.ratio)}×`;
    const errors = r.errors.length > 0 ? ` ⚠ ${r.errors.length} failed run(s)` : '';
    lines.push(
      `| ${r.label}${errors} | ${r.place} | ${r.n.toLocaleString('en-US')} | ${fmtSpread(r.attached)} | ${fmtSpread(r.unattached)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** Page cost and worker heap of the drain rows (medians, min–max over runs with Playwright attached, plus unattached long-task counts). */
export function drainCostTable(rows: readonly RowSummary[]): string {
  const lines = [
    '| drain row | N | long tasks on the page | long-task ms | page main-thread busy ms | worker heap at start, MB | worker peak heap, MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows.filter((row) => row.extras.longTasks !== undefined || row.extras.busyMs !== undefined)) {
    const e = r.extras;
    lines.push(
      `| ${r.label} | ${r.n.toLocaleString('en-US')} | ${fmtSpread(e.longTasks)} | ${fmtSpread(e.longTaskMs)} | ${fmtSpread(e.busyMs)} | ${fmtSpread(e.heapStartMB)} | ${fmtSpread(e.peakHeapMB)} |`,
    );
  }
  return lines.join('\n');
}

/** Time per takeover of the takeover row (ms from the runner's death to another context's flush() resolving). */
export function takeoverTable(rows: readonly RowSummary[]): string {
  const lines = [
    "| takeover row | takeovers per run | ms per takeover: median of the runs' medians (min–max) | ms, slowest takeover of each run: median (min–max) |",
    '|---|---:|---:|---:|',
  ];
  for (const r of rows.filter((row) => row.extras.takeoverMsMedian !== undefined)) {
    lines.push(`| ${r.label} | ${r.n} | ${fmtSpread(r.extras.takeoverMsMedian)} | ${fmtSpread(r.extras.takeoverMsMax)} |`);
  }
  return lines.join('\n');
}
