/** What one timed run of a row reports back to the harness. */
export interface RowOutcome {
  /** Operations completed inside the timed span (writes stored, or writes acknowledged by a server). */
  readonly ops: number;
  /** Length of the timed span in milliseconds. */
  readonly ms: number;
  /** Row-specific extra figures (long tasks, heap, …), plain numbers only. */
  readonly extra?: Readonly<Record<string, number>> | undefined;
}

/** One row's page-side implementation: run `n` operations, time only the operations. */
export type RowRunner = (n: number, params: RowParams) => Promise<RowOutcome>;

/** Per-run parameters the harness passes to a row. */
export interface RowParams {
  /** Unique per run, so every run gets fresh databases. */
  readonly runId: string;
  /** Origin of the sync server the drain rows push to (defaults to the page's own origin). */
  readonly serverOrigin?: string | undefined;
}
