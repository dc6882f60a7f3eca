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
  /**
   * Each measured run in a Chromium of its own, on a fresh profile, after one untimed run of the same
   * row at the warm-up size in it: no run inherits another's leftover data or LevelDB compactions.
   * The default; `--shared` runs every row in one Chromium and profile instead.
   */
  readonly isolate: boolean;
  /** Print the usage and run nothing. */
  readonly help: boolean;
}

/** What `npm run bench -- --help` prints. */
export const BENCH_USAGE = `npm run bench -- [options]
  --quick          development mode: N = 500, one round, no warm-up
  --n=10000        writes per run
  --reps=3         measured rounds (each visits every row once, in an order shuffled per round)
  --only=a,b       only rows whose id contains one of these
  --no-unattached  skip the nothing-attached control of network rows
  --shared         every run in one Chromium and one profile (the default is a fresh profile per
                   measured run, after an untimed run of the same row at N/10 in it)
  --help           print this and exit`;

/**
 * `--quick` (N=500, one repetition, no warm-up), `--n=10000`, `--reps=3`, `--only=raw,dexie`, `--no-unattached`,
 * `--shared`, `--help`. Defaults: N = 10,000, 3 repetitions, warm-up at N/10, each run isolated.
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const known = ['quick', 'n', 'reps', 'only', 'no-unattached', 'shared', 'help'];
  const unknown = argv.filter((a) => !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(' ')}\n${BENCH_USAGE}`);
  const quick = flag('quick');
  const n = Number(value('n') ?? (quick ? 500 : 10_000));
  const reps = Number(value('reps') ?? (quick ? 1 : 3));
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(reps) || reps < 1) {
    throw new Error(`--n and --reps must be positive integers (got n=${n}, reps=${reps})`);
  }
  const only = (value('only') ?? '').split(',').filter((s) => s.length > 0);
  return {
    quick,
    n,
    reps,
    warmupN: quick ? 0 : Math.max(1, Math.round(n / 10)),
    only,
    unattached: !flag('no-unattached'),
    isolate: !flag('shared'),
    help: flag('help'),
  };
}
