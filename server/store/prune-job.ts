import type { PruneCounts } from './retention.ts';
import type { SyncStore } from './sync-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The client's default `retentionMs` (src/core/queue/expire-retention.ts): the horizon must stay above it. */
export const CLIENT_DEFAULT_RETENTION_MS = 7 * DAY_MS;

/** Default retention horizon: 30 days, well above the client's default retention of 7 days. */
export const DEFAULT_RETENTION_HORIZON_MS = 30 * DAY_MS;

/** Default time between prune runs: 10 minutes. */
export const DEFAULT_PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** Default most rows of each kind one prune run removes. */
export const DEFAULT_PRUNE_MAX_ROWS = 5_000;

/** How long the server remembers processed writes and deletions (docs/PROTOCOL.md, "Retention horizon"). */
export interface RetentionOptions {
  /** Processed-write records and tombstones older than this are pruned. Default 30 days; at least 7 days. */
  readonly horizonMs?: number | undefined;
  /** Time between prune runs. Default 10 minutes. */
  readonly pruneIntervalMs?: number | undefined;
  /** Most rows of each kind one run removes (the rest waits for the next run). Default 5000. */
  readonly maxRowsPerRun?: number | undefined;
}

/** A running prune job. */
export interface PruneJob {
  /** One run now (what the timer does), returning what it removed. */
  runOnce(): Promise<PruneCounts>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Prunes past the horizon every `pruneIntervalMs`, one run at a time. A failed run (the
 * database is down) is logged and the next one tries again; it never stops the server.
 */
export function startPruneJob(
  store: SyncStore,
  options: RetentionOptions,
  deps: { readonly now: () => number; readonly log: (line: Readonly<Record<string, unknown>>) => void },
): PruneJob {
  const horizonMs = options.horizonMs ?? DEFAULT_RETENTION_HORIZON_MS;
  if (!(horizonMs >= CLIENT_DEFAULT_RETENTION_MS)) {
    throw new Error(
      `The retention horizon must be at least the clients' retention of ${CLIENT_DEFAULT_RETENTION_MS} ms (7 days), got ${horizonMs} ms: a live client could resend a write the server had forgotten.`,
    );
  }
  const intervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
  const maxRows = options.maxRowsPerRun ?? DEFAULT_PRUNE_MAX_ROWS;
  let running: Promise<PruneCounts> | undefined;
  const runOnce = (): Promise<PruneCounts> => {
    running ??= store.prune(deps.now() - horizonMs, maxRows).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().then(
      (counts) => {
        if (counts.writes > 0 || counts.tombstones > 0) deps.log({ level: 'info', event: 'pruned', ...counts });
      },
      (e: unknown) => deps.log({ level: 'warn', event: 'prune-failed', error: e instanceof Error ? e.message : String(e) }),
    );
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
