import { createOutbox } from '../../../src/client/create-outbox.ts';
import type { Outbox } from '../../../src/client/outbox.ts';
import type { RowOutcome, RowParams, RowRunner } from '../bench-types.ts';
import { dropDb } from './raw-idb.ts';
import { allAtOnce, type BenchRecord, makeRecord, timed } from './record.ts';

type BenchOutbox = Outbox<{ items: BenchRecord }>;

/**
 * Starts the real page client over a fresh bench worker (database `dbName`, syncing with
 * `serverUrl`); `created` is handed each worker started (the takeover row terminates one).
 */
export function openBenchOutbox(dbName: string, serverUrl: string, created?: (worker: Worker) => void): BenchOutbox {
  return createOutbox<{ items: BenchRecord }>({
    worker: () => {
      const worker = new Worker(new URL('../workers/outbox.worker.ts', import.meta.url), {
        type: 'module',
        name: JSON.stringify({ dbName, serverUrl }),
      });
      created?.(worker);
      return worker;
    },
    callTimeoutMs: 120_000,
  });
}

const put = (outbox: BenchOutbox, i: number) => outbox.put('items', `item-${i}`, makeRecord(i));

/**
 * Waits until the status reports exactly `pending` writes and no dead letters (status snapshots
 * follow commits asynchronously); rejects after `timeoutMs` with what the status last said.
 */
async function expectPending(outbox: BenchOutbox, pending: number, timeoutMs = 30_000): Promise<void> {
  let last = 'no status yet';
  let unsubscribe: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${pending} pending and no dead letters; status: ${last}`)),
        timeoutMs,
      );
      void outbox
        .subscribeStatus((status) => {
          last = `${status.pending} pending, ${status.deadLetters} dead, phase ${status.phase}`;
          if (status.pending === pending && status.deadLetters === 0) {
            clearTimeout(timer);
            resolve();
          }
        })
        .then((u) => {
          unsubscribe = u;
        }, reject);
    });
  } finally {
    unsubscribe?.();
  }
}

async function closeAndDrop(outbox: BenchOutbox, dbName: string): Promise<void> {
  await outbox.close();
  await dropDb(dbName);
}

/** Page → worker puts with sync paused (the enqueue path alone), awaited one by one or all at once. */
function pagePuts(mode: 'awaited' | 'concurrent'): RowRunner {
  return async (n, { runId }) => {
    const dbName = `outbox-put-${runId}`;
    const outbox = openBenchOutbox(dbName, location.origin);
    await outbox.setPaused(true);
    await expectPending(outbox, 0);
    const outcome = await timed(n, async () => {
      if (mode === 'concurrent') await allAtOnce(n, (i) => put(outbox, i));
      else for (let i = 0; i < n; i++) await put(outbox, i);
    });
    await expectPending(outbox, n);
    await closeAndDrop(outbox, dbName);
    return outcome;
  };
}

export const outboxPutAwaited = pagePuts('awaited');
export const outboxPutConcurrent = pagePuts('concurrent');

/** LocalStore called inside a worker (no page→worker hop). */
function workerPuts(mode: 'awaited' | 'concurrent' | 'raw-records'): RowRunner {
  return async (n, { runId }) => {
    const dbName = `local-store-${runId}`;
    const worker = new Worker(new URL('../workers/local-store.worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = await new Promise<{ outcome?: RowOutcome; error?: string }>((resolve) => {
        worker.onmessage = (event: MessageEvent<{ outcome?: RowOutcome; error?: string }>) => resolve(event.data);
        worker.postMessage({ mode, n, dbName });
      });
      if (reply.outcome === undefined) throw new Error(reply.error ?? 'no outcome from the worker');
      return reply.outcome;
    } finally {
      worker.terminate();
      await dropDb(dbName);
    }
  };
}

export const workerPutAwaited = workerPuts('awaited');
export const workerPutConcurrent = workerPuts('concurrent');
/** The floor: the Outbox's records for N puts, written by plain IndexedDB calls in the same kind of worker. */
export const workerRawRecords = workerPuts('raw-records');

/** State a drain row keeps between its untimed preparation and its timed run. */
interface PreparedDrain {
  readonly outbox: BenchOutbox;
  readonly dbName: string;
  readonly serverUrl: string;
  readonly receivedBefore: number | undefined;
}
const prepared = new Map<string, PreparedDrain>();

/** Writes the in-memory bench server has acknowledged, all clients together. */
async function receivedTotal(): Promise<number> {
  const res = await fetch('/bench/received?client=*');
  return ((await res.json()) as { received: number }).received;
}

/** Gets an anonymous session from the reference server (its default bearer-token auth). */
async function sessionHeaders(serverUrl: string): Promise<Record<string, string>> {
  const res = await fetch(`${serverUrl}/v1/session`, { method: 'POST' });
  const body = (await res.json()) as { token: string };
  return { authorization: `Bearer ${body.token}` };
}

/** Untimed: queue N writes with sync paused (1,000 concurrent puts at a time). */
export async function prepareDrain(n: number, { runId, serverOrigin }: RowParams): Promise<void> {
  const serverUrl = serverOrigin ?? location.origin;
  const dbName = `outbox-drain-${runId}`;
  const outbox = openBenchOutbox(dbName, serverUrl);
  await outbox.setPaused(true);
  if (serverOrigin !== undefined) await outbox.setAuth(await sessionHeaders(serverUrl));
  for (let start = 0; start < n; start += 1000) {
    await allAtOnce(Math.min(1000, n - start), (i) => put(outbox, start + i));
  }
  await expectPending(outbox, n);
  const receivedBefore = serverOrigin === undefined ? await receivedTotal() : undefined;
  prepared.set(runId, { outbox, dbName, serverUrl, receivedBefore });
}

/** Timed: unpause and wait until every queued write is acknowledged; counts long tasks on this page meanwhile. */
export const runDrain: RowRunner = async (n, params) => {
  const state = prepared.get(params.runId);
  if (state === undefined) throw new Error(`drain ${params.runId} was not prepared`);
  prepared.delete(params.runId);
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const outcome = await timed(n, async () => {
    await state.outbox.setPaused(false);
    await state.outbox.flush();
  });
  for (const entry of observer.takeRecords()) longTasks.push(entry.duration);
  observer.disconnect();
  await expectPending(state.outbox, 0);
  if (state.receivedBefore !== undefined) {
    const received = (await receivedTotal()) - state.receivedBefore;
    if (received !== n) throw new Error(`the server acknowledged ${received} writes, expected ${n}`);
  }
  await closeAndDrop(state.outbox, state.dbName);
  const longTaskMs = longTasks.reduce((a, b) => a + b, 0);
  return { ...outcome, extra: { longTasks: longTasks.length, longTaskMs } };
};
