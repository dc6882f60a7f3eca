import type { SyncPolicy } from '../../../src/core/sync/sync-policy.ts';

/**
 * Test-sized sync timings: short backoff so a server that comes back is seen within a second,
 * a short lease so a runner that dies mid-push frees its batch within seconds, small batches
 * so a drain takes several pushes.
 */
export const appPolicy: Partial<SyncPolicy> = {
  baseMs: 100,
  capMs: 800,
  leaseMs: 3_000,
  maxBatchCount: 20,
  pullIntervalMs: 60_000,
};
