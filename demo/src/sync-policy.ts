import type { SyncPolicy } from '../../src/core/sync/sync-policy.ts';

/**
 * The demo talks to a server on the same machine, so it retries sooner than the library's
 * default (backoff ceiling 10 s instead of 5 min): after a restart the pill turns to
 * "All changes saved" within seconds without a click.
 */
export const DEMO_SYNC_POLICY: Partial<SyncPolicy> = { capMs: 10_000 };
