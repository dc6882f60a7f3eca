/** Bytes of filler that bring one JSON-encoded record to about 200 bytes. */
const FILLER = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et '.slice(
  0,
  110,
);

/** The ~200-byte record every row writes (same shape for every library, so rows compare like with like). */
export type BenchRecord = {
  readonly id: string;
  readonly n: number;
  readonly title: string;
  readonly done: boolean;
  readonly tags: string[];
  readonly at: number;
};

/** Builds record `i` of a run (JSON-encoded: about 200 bytes). */
export function makeRecord(i: number): BenchRecord {
  return { id: `item-${i}`, n: i, title: FILLER, done: i % 2 === 0, tags: ['bench', 'outbox'], at: 1_700_000_000_000 + i };
}

/** Calls `fn(i)` for i in [0, n) all at once and waits for every promise (the "concurrent callers" pattern). */
export function allAtOnce<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const pending: Promise<T>[] = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = fn(i);
  return Promise.all(pending);
}

/** Times `body`, which must perform exactly `ops` operations. */
export async function timed(ops: number, body: () => Promise<unknown>): Promise<{ ops: number; ms: number }> {
  const t0 = performance.now();
  await body();
  return { ops, ms: performance.now() - t0 };
}
