import { afterEach, describe, expect, test } from 'vitest';
import { CLIENT_DEFAULT_RETENTION_MS, DEFAULT_RETENTION_HORIZON_MS, startPruneJob } from '../../server/store/prune-job.ts';
import type { PruneCounts } from '../../server/store/retention.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { DEFAULT_RETENTION_MS } from '../../src/core/queue/expire-retention.ts';

/** A store that only records the prune calls. */
function recordingStore(): { store: SyncStore; calls: [number, number][] } {
  const calls: [number, number][] = [];
  const unused = () => Promise.reject(new Error('not used'));
  const store: SyncStore = {
    kind: 'pglite',
    push: unused,
    pull: unused,
    ping: unused,
    close: async () => undefined,
    prune: async (cutoffMs, maxRows): Promise<PruneCounts> => {
      calls.push([cutoffMs, maxRows]);
      return { writes: 0, tombstones: 0 };
    },
  };
  return { store, calls };
}

describe('startPruneJob', () => {
  const jobs: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const job of jobs.splice(0)) await job.stop();
  });

  test('keeps the default horizon above the client default retention it is checked against', () => {
    expect(CLIENT_DEFAULT_RETENTION_MS).toBe(DEFAULT_RETENTION_MS);
    expect(DEFAULT_RETENTION_HORIZON_MS).toBeGreaterThan(DEFAULT_RETENTION_MS);
  });

  test('prunes what is older than now minus the horizon, at most maxRowsPerRun of each', async () => {
    const { store, calls } = recordingStore();
    const job = startPruneJob(
      store,
      { horizonMs: 10 * 86_400_000, maxRowsPerRun: 7 },
      { now: () => 50 * 86_400_000, log: () => undefined },
    );
    jobs.push(job);
    await job.runOnce();
    expect(calls).toEqual([[40 * 86_400_000, 7]]);
  });

  test('refuses a horizon shorter than the client default retention', () => {
    const { store } = recordingStore();
    expect(() => startPruneJob(store, { horizonMs: 86_400_000 }, { now: Date.now, log: () => undefined })).toThrow(
      /retention horizon/,
    );
  });
});
