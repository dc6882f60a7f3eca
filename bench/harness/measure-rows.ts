import { randomBytes } from 'node:crypto';
import { type AttachedBrowser, type RowHooks, type RunParams, timeoutMs } from './attached-browser.ts';
import type { BenchOptions } from './bench-options.ts';
import type { BenchServer, PageReport } from './bench-server.ts';
import type { RowSpec } from './row-catalog.ts';
import { shuffled } from './shuffled.ts';
import { runUnattached } from './unattached-run.ts';

/** One measured run of a row. */
export interface RunOutcome {
  readonly ops: number;
  readonly ms: number;
  readonly extra: Readonly<Record<string, number>>;
  /** The measured round it belongs to (1, 2, …), so rows can be compared round by round. */
  readonly round: number;
}

/** Everything measured for one row. */
export interface RowSamples {
  readonly spec: RowSpec;
  readonly n: number;
  readonly attached: RunOutcome[];
  readonly unattached: RunOutcome[];
  readonly errors: string[];
}

/** Per-row CDP hooks, keyed by row id (page cost during a drain, worker heap). */
export type HooksFor = (row: RowSpec) => RowHooks | undefined;

/** `<row>-<32 random hex digits>`: unique databases per run, and the tail doubles as the run's client id. */
const nextRunId = (row: string): string => `${row.replace(/[^a-z0-9]/gi, '')}-${randomBytes(16).toString('hex')}`;

function record(samples: RowSamples, into: RunOutcome[], report: PageReport, round: string, index: number): void {
  if (report.outcome === undefined) {
    samples.errors.push(`${round}: ${report.error ?? 'no outcome'}`);
    return;
  }
  into.push({ ops: report.outcome.ops, ms: report.outcome.ms, extra: report.outcome.extra ?? {}, round: index });
}

/** Where attached runs happen: a fresh Chromium per measured run (the default), or (`--shared`) the run's one Chromium. */
export interface AttachedRunner {
  run(spec: RowSpec, n: number, params: () => RunParams, hooks: RowHooks | undefined): Promise<PageReport>;
}

/** Every run in one Chromium and one profile (`--shared`). */
export const sharedRunner = (browser: AttachedBrowser): AttachedRunner => ({
  run: (spec, n, params, hooks) => browser.runRow(spec.id, n, params(), hooks),
});

/**
 * Every measured run in a Chromium of its own, on a fresh profile, after one untimed run of the
 * same row at `warmupN` in it (the first IndexedDB work of a new profile is slower than the rest).
 */
export const isolatedRunner = (launch: () => Promise<AttachedBrowser>, warmupN: number): AttachedRunner => ({
  run: async (spec, n, params, hooks) => {
    const browser = await launch();
    try {
      const warm = await browser.runRow(spec.id, Math.min(n, warmupN > 0 ? warmupN : Math.ceil(n / 10)), params(), undefined);
      if (warm.outcome === undefined) return warm;
      return await browser.runRow(spec.id, n, params(), hooks);
    } finally {
      await browser.close();
    }
  },
});

/**
 * Runs every row round-robin: a warm-up round in table order (discarded; only with `--shared`:
 * isolated runs each warm up their own profile), then `reps` measured rounds, each visiting every row
 * once in an order shuffled per round (seeded by the round, so reproducible). Slow drift of the
 * machine spreads over all rows alike, and no row always follows the same row: a run can inherit
 * the LevelDB compactions of the data the previous run wrote.
 */
export async function measureRows(
  rows: readonly RowSpec[],
  options: BenchOptions,
  runner: AttachedRunner,
  server: BenchServer,
  hooksFor: HooksFor,
  referenceOrigin: string | undefined,
  log: (line: string) => void,
): Promise<RowSamples[]> {
  const all = rows.map(
    (spec): RowSamples => ({ spec, n: spec.count?.(options.n) ?? options.n, attached: [], unattached: [], errors: [] }),
  );
  const warmUp = options.warmupN > 0 && !options.isolate;
  const rounds = [...(warmUp ? ['warm-up'] : []), ...Array.from({ length: options.reps }, (_, i) => `rep ${i + 1}`)];
  for (const round of rounds) {
    const warm = round === 'warm-up';
    const index = warm ? 0 : Number(round.slice(4));
    const order = warm ? all : shuffled(all, index);
    log(`${round}: ${order.map((s) => s.spec.id).join(', ')}`);
    for (const samples of order) {
      const { spec } = samples;
      if (spec.once === true && round !== rounds.find((r) => r !== 'warm-up')) continue;
      const n = warm ? Math.min(samples.n, options.warmupN) : samples.n;
      const params = (): RunParams => ({
        runId: nextRunId(spec.id),
        serverOrigin: spec.referenceServer ? referenceOrigin : undefined,
      });
      if (spec.referenceServer && referenceOrigin === undefined) {
        samples.errors.push(`${round}: the reference server is not running`);
        continue;
      }
      const attached = await runner.run(spec, n, params, hooksFor(spec));
      if (!warm) record(samples, samples.attached, attached, round, index);
      else if (attached.error) samples.errors.push(`${round}: ${attached.error}`);
      let line = `${round.padEnd(8)} ${spec.id.padEnd(28)} ${describe(attached)}`;
      if (spec.network && options.unattached && spec.once !== true) {
        const bare = await runUnattached(server, spec.id, n, params(), timeoutMs(n));
        if (!warm) record(samples, samples.unattached, bare, `${round} unattached`, index);
        line += `   unattached ${describe(bare)}`;
      }
      log(line);
    }
  }
  return all;
}

function describe(report: PageReport): string {
  if (report.outcome === undefined) return `ERROR ${report.error ?? ''}`.slice(0, 300);
  const rate = (report.outcome.ops * 1000) / report.outcome.ms;
  return `${Math.round(rate).toLocaleString('en-US')}/s (${report.outcome.ops} in ${report.outcome.ms.toFixed(0)} ms)`;
}
