import fc from 'fast-check';

/**
 * Options for every property-based test: seeded and replayable.
 *
 * - `OUTBOX_SEED=<n>` replays a run (fast-check prints the seed and the counterexample's path on failure).
 * - `OUTBOX_LONG=1` multiplies the number of runs (long runs, outside CI).
 *
 * The seed is also printed on failure by {@link checkProperty}, so a red CI log always names it.
 */
export function propertyOptions<T>(runs: number): fc.Parameters<T> {
  const seed =
    process.env.OUTBOX_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.OUTBOX_SEED);
  const factor = process.env.OUTBOX_LONG === '1' ? 20 : 1;
  return { seed, numRuns: runs * factor, endOnFailure: true };
}

/** Runs an async property with {@link propertyOptions}; on failure the error names the seed to replay. */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  runs: number,
  property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
): Promise<void> {
  const options = propertyOptions<Ts>(runs);
  try {
    await fc.assert(property, options);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`property failed; replay with OUTBOX_SEED=${options.seed}\n${message}`, { cause: e });
  }
}

/** Whether long runs were asked for (`OUTBOX_LONG=1`). */
export const LONG_RUN = process.env.OUTBOX_LONG === '1';
