import type { SyncPolicy } from '../../../src/core/sync/sync-policy.ts';

/**
 * Test-sized sync timings: short backoff so a server that comes back is seen within a second,
 * small batches so a drain takes several pushes, and a lease longer than any test: a runner that
 * dies mid-push must be taken over at once by the next lock holder, and a test that waited for
 * the lease to end instead would time out.
 */
export const appPolicy: Partial<SyncPolicy> = {
  baseMs: 100,
  capMs: 800,
  leaseMs: 600_000,
  maxBatchCount: 20,
  pullIntervalMs: 60_000,
};
