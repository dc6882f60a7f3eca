// "Inside the worker" rows: LocalStore over the IndexedDB storage, called directly (no Comlink hop).
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { randomId } from '../../../src/protocol/ids.ts';
import type { RowOutcome } from '../bench-types.ts';
import { rawOutboxRecords } from '../rows/raw-outbox-records.ts';
import { allAtOnce, makeRecord, timed } from '../rows/record.ts';
import { items } from './bench-collections.ts';

declare const self: DedicatedWorkerGlobalScope;

/** A request from the page: which pattern, how many writes, which database. */
export interface LocalStoreJob {
  /** `raw-records`: the same records written with plain IndexedDB calls (the floor; rows/raw-outbox-records.ts). */
  readonly mode: 'awaited' | 'concurrent' | 'raw-records';
  readonly n: number;
  readonly dbName: string;
}

async function run(job: LocalStoreJob): Promise<RowOutcome> {
  if (job.mode === 'raw-records') return rawOutboxRecords(job.n, job.dbName);
  const storage = await openIdbOutboxStorage(job.dbName);
  const store = await LocalStore.open({ storage, collections: [items], clock: Date, randomId: () => randomId() });
  const put = (i: number) => store.put('items', `item-${i}`, makeRecord(i) as unknown as Parameters<LocalStore['put']>[2]);
  const outcome = await timed(job.n, async () => {
    if (job.mode === 'concurrent') await allAtOnce(job.n, put);
    else for (let i = 0; i < job.n; i++) await put(i);
  });
  const queued = await storage.transact('readonly', (tx) => tx.countWrites());
  storage.close();
  if (queued !== job.n) throw new Error(`LocalStore queued ${queued} of ${job.n}`);
  return outcome;
}

self.onmessage = (event: MessageEvent<LocalStoreJob>) => {
  run(event.data).then(
    (outcome) => self.postMessage({ outcome }),
    (error: unknown) => self.postMessage({ error: String(error instanceof Error ? (error.stack ?? error.message) : error) }),
  );
};
