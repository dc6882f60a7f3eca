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

/** Databases named `chaos-…` (test/e2e/chaos.e2e.test.ts) give up on a request after this long. */
export const CHAOS_REQUEST_TIMEOUT_MS = 1_500;

/**
 * The request timeout of a database: short for the chaos scenario, whose proxy holds answers
 * past it; the transport's default for every other test (a held push must not be resent there).
 */
export function chaosRequestTimeoutMs(dbName: string): number | undefined {
  return dbName.startsWith('chaos-') ? CHAOS_REQUEST_TIMEOUT_MS : undefined;
}

/**
 * The sync timings of a database: databases named `slow-retry-…` back off for up to 100 minutes after a failure, so a
 * test sees that something other than the retry timer (a page becoming visible) started the next push.
 */
export function policyFor(dbName: string): Partial<SyncPolicy> {
  return dbName.startsWith('slow-retry-') ? { ...appPolicy, baseMs: 6_000_000, capMs: 6_000_000 } : appPolicy;
}
