import type { RowSummary } from './report-table.ts';
import { fmt } from './summarize.ts';

/** One target from the issue, judged on this run's medians. */
export interface TargetVerdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const median = (rows: readonly RowSummary[], id: string): number | undefined => rows.find((r) => r.id === id)?.quoted?.median;
const extra = (rows: readonly RowSummary[], id: string, key: string): number | undefined =>
  rows.find((r) => r.id === id)?.extras[key]?.median;
const maxExtra = (rows: readonly RowSummary[], id: string, key: string): number | undefined =>
  rows.find((r) => r.id === id)?.extras[key]?.max;

function ratioTarget(
  label: string,
  value: number | undefined,
  against: number | undefined,
  wanted: number,
  unit: string,
  rounds?: string,
): TargetVerdict {
  if (value === undefined || against === undefined) return { target: label, measured: 'not measured', met: undefined };
  const ratio = value / against;
  const measured = `${fmt(value)} / ${fmt(against)} = ${fmt(ratio)}${unit}${rounds === undefined ? '' : `; ${rounds}`}`;
  return { target: label, measured, met: ratio >= wanted };
}

/** "round by round: 0.81, 0.93, …" for two rows measured in the same rounds; undefined with fewer than two such rounds. */
function roundByRound(rows: readonly RowSummary[], id: string, againstId: string): string | undefined {
  const row = rows.find((r) => r.id === id)?.byRound ?? {};
  const against = rows.find((r) => r.id === againstId)?.byRound ?? {};
  const ratios = Object.keys(row)
    .map(Number)
    .sort((a, b) => a - b)
    .filter((round) => against[round] !== undefined)
    .map((round) => fmt((row[round] as number) / (against[round] as number)));
  return ratios.length < 2 ? undefined : `round by round: ${ratios.join(', ')}`;
}

/** The issue's targets (never lowered here): concurrency vs limit and Workbox, drain vs replay, page cost, heap. */
export function judgeTargets(rows: readonly RowSummary[]): TargetVerdict[] {
  const concurrent = median(rows, 'outbox-put-concurrent');
  const longTasks = maxExtra(rows, 'outbox-drain-memory', 'longTasks');
  const heap10 = extra(rows, 'outbox-drain-memory', 'peakHeapMB');
  const heap100 = extra(rows, 'outbox-drain-memory-10x', 'peakHeapMB');
  const slowestTakeover = maxExtra(rows, 'outbox-takeover', 'takeoverMsMax');
  return [
    ratioTarget(
      'concurrent worker puts ≥ 80% of the one-transaction limit (issue 2)',
      median(rows, 'worker-put-concurrent'),
      median(rows, 'raw-one-tx'),
      0.8,
      '×',
      roundByRound(rows, 'worker-put-concurrent', 'raw-one-tx'),
    ),
    ratioTarget(
      'concurrent page puts ≥ 70% of the one-transaction limit',
      concurrent,
      median(rows, 'raw-one-tx'),
      0.7,
      '×',
      roundByRound(rows, 'outbox-put-concurrent', 'raw-one-tx'),
    ),
    ratioTarget('concurrent page puts ≥ 15× Workbox pushRequest', concurrent, median(rows, 'workbox-push-request'), 15, '×'),
    ratioTarget(
      'drain to the in-memory server ≥ 100× Workbox replay',
      median(rows, 'outbox-drain-memory'),
      median(rows, 'workbox-replay'),
      100,
      '×',
    ),
    {
      target: 'zero long tasks on the page during a drain (every run)',
      measured: longTasks === undefined ? 'not measured' : `at most ${longTasks} long task(s) in a run`,
      met: longTasks === undefined ? undefined : longTasks === 0,
    },
    {
      target: 'peak worker heap draining 10 × N ≤ 2 × draining N',
      measured:
        heap10 === undefined || heap100 === undefined
          ? 'not measured'
          : `${fmt(heap100)} MB vs ${fmt(heap10)} MB = ${fmt(heap100 / heap10)}×`,
      met: heap10 === undefined || heap100 === undefined ? undefined : heap100 <= 2 * heap10,
    },
    {
      target: 'takeover of a runner that died mid-push ≤ 1 s (every takeover)',
      measured: slowestTakeover === undefined ? 'not measured' : `slowest ${fmt(slowestTakeover)} ms`,
      met: slowestTakeover === undefined ? undefined : slowestTakeover <= 1_000,
    },
  ];
}

/** Markdown table of verdicts. */
export function targetsTable(verdicts: readonly TargetVerdict[]): string {
  const mark = (met: boolean | undefined) => (met === undefined ? '– not measured' : met ? '✅ met' : '❌ missed');
  return [
    '| target | measured (medians) | verdict |',
    '|---|---|---|',
    ...verdicts.map((v) => `| ${v.target} | ${v.measured} | ${mark(v.met)} |`),
  ].join('\n');
}
