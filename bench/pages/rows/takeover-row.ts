import type { SyncStatus } from '../../../src/protocol/sync-status.ts';
import type { RowRunner } from '../bench-types.ts';
import { openBenchOutbox } from './outbox-rows.ts';
import { dropDb } from './raw-idb.ts';
import { makeRecord } from './record.ts';

/** Path prefix the bench server never answers a push under (bench/harness/bench-server.ts). */
const HOLD_PREFIX = '/hold';

/** Resolves once `status` satisfies `done` (status snapshots arrive asynchronously). */
function statusWhere(outbox: ReturnType<typeof openBenchOutbox>, done: (s: SyncStatus) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = outbox.status.subscribe((s) => {
      if (!done(s)) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

async function holdsSyncLock(dbName: string): Promise<boolean> {
  const state = await navigator.locks.query();
  return (state.held ?? []).some((l) => l.name === `outbox:sync:${dbName}`);
}

/**
 * One takeover, timed: worker A (the sync lock holder) pushes one write to an endpoint that never
 * answers; worker B, waiting for the lock, is asked to flush; A's worker is terminated (as a tab's
 * worker dies when its tab closes or crashes). Timed from the termination until B's flush()
 * resolves: the browser frees the lock, B's service takes it, its runner takes A's leases over
 * and pushes the write again, and the acknowledgement reaches B's page.
 */
async function oneTakeover(dbName: string): Promise<number> {
  let workerA: Worker | undefined;
  const a = openBenchOutbox(dbName, `${location.origin}${HOLD_PREFIX}`, (w) => {
    workerA = w;
  });
  await a.getStatus();
  for (let i = 0; i < 200 && !(await holdsSyncLock(dbName)); i++) await new Promise((r) => setTimeout(r, 5));
  const b = openBenchOutbox(dbName, location.origin);
  await b.getStatus();
  const pushing = statusWhere(a, (s) => s.phase === 'pushing' && s.inFlight === 1);
  await a.put('items', 'item-0', makeRecord(0));
  await pushing;
  const t0 = performance.now();
  workerA?.terminate();
  await b.flush();
  const ms = performance.now() - t0;
  const left = await b.getStatus();
  if (left.pending !== 0 || left.deadLetters !== 0)
    throw new Error(`after takeover: ${left.pending} pending, ${left.deadLetters} dead`);
  await b.close();
  await dropDb(dbName);
  return ms;
}

/** `n` takeovers one after the other; the figure of interest is the time of each (extras). */
export const runTakeover: RowRunner = async (n, { runId }) => {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await oneTakeover(`outbox-takeover-${runId}-${i}`));
  const ms = times.reduce((x, y) => x + y, 0);
  const sorted = [...times].sort((x, y) => x - y);
  return {
    ops: n,
    ms,
    extra: { takeoverMsMedian: sorted[Math.floor((n - 1) / 2)] ?? 0, takeoverMsMax: sorted.at(-1) ?? 0 },
  };
};
