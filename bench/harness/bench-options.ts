/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Writes per run (N). */
  readonly n: number;
  /** Measured repetitions per row (after one warm-up round unless quick). */
  readonly reps: number;
  /** Writes per run in the warm-up round; 0 = no warm-up. */
  readonly warmupN: number;
  /** Only rows whose id contains one of these (empty = all). */
  readonly only: readonly string[];
  /** Also run the unattached control for network rows. */
  readonly unattached: boolean;
}

/**
 * `--quick` (N=500, one repetition, no warm-up), `--n=10000`, `--reps=3`, `--only=raw,dexie`, `--no-unattached`.
 * Defaults: N = 10,000, 3 repetitions, warm-up round at N/10.
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = flag('quick');
  const n = Number(value('n') ?? (quick ? 500 : 10_000));
  const reps = Number(value('reps') ?? (quick ? 1 : 3));
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(reps) || reps < 1) {
    throw new Error(`--n and --reps must be positive integers (got n=${n}, reps=${reps})`);
  }
  const only = (value('only') ?? '').split(',').filter((s) => s.length > 0);
  return { quick, n, reps, warmupN: quick ? 0 : Math.max(1, Math.round(n / 10)), only, unattached: !flag('no-unattached') };
}
