import { DEFAULT_LEASE_MS, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_BATCH_COUNT } from '../queue/claim-batch.ts';
import { DEFAULT_RETENTION_MS } from '../queue/expire-retention.ts';
import { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS } from '../retry/next-delay-ms.ts';

/** Default time between pulls while a page is visible, in milliseconds. */
export const DEFAULT_PULL_INTERVAL_MS = 30_000;
/** Default page size asked of the server's pull (it applies its own maximum). */
export const DEFAULT_PULL_LIMIT_COUNT = 500;

/** Every tunable of the sync loop; all durations in milliseconds. */
export interface SyncPolicy {
  /** First backoff ceiling. */
  readonly baseMs: number;
  /** Largest backoff ceiling. */
  readonly capMs: number;
  readonly maxBatchCount: number;
  readonly maxBatchBytes: number;
  /** How long a claimed batch stays reserved for the runner that claimed it. */
  readonly leaseMs: number;
  /** How long a write may keep failing transiently before it becomes a dead letter. */
  readonly retentionMs: number;
  /** Pull period while a page is visible. */
  readonly pullIntervalMs: number;
  readonly pullLimit: number;
}

export const DEFAULT_SYNC_POLICY: SyncPolicy = Object.freeze({
  baseMs: DEFAULT_BASE_DELAY_MS,
  capMs: DEFAULT_MAX_DELAY_MS,
  maxBatchCount: DEFAULT_MAX_BATCH_COUNT,
  maxBatchBytes: DEFAULT_MAX_BATCH_BYTES,
  leaseMs: DEFAULT_LEASE_MS,
  retentionMs: DEFAULT_RETENTION_MS,
  pullIntervalMs: DEFAULT_PULL_INTERVAL_MS,
  pullLimit: DEFAULT_PULL_LIMIT_COUNT,
});
