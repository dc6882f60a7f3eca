import type { RowParams, RowRunner } from './bench-types.ts';
import {
  outboxPutAwaited,
  outboxPutConcurrent,
  prepareDrain,
  runDrain,
  workerPutAwaited,
  workerPutConcurrent,
  workerRawRecords,
} from './rows/outbox-rows.ts';
import { dexieAdd, dexieBulkAdd, idbKeyvalSet } from './rows/peer-rows.ts';
import { rawOneTx, rawPutPerTx } from './rows/raw-idb.ts';
import { runTakeover } from './rows/takeover-row.ts';
import { workboxPushRequest, workboxReplay } from './rows/workbox-rows.ts';

/** Every row the page can run, by id (ids match bench/harness/row-catalog.ts). */
export const pageRows: Record<string, RowRunner> = {
  'raw-put-per-tx': rawPutPerTx,
  'raw-one-tx': rawOneTx,
  'raw-outbox-records': workerRawRecords,
  'workbox-push-request': workboxPushRequest,
  'idb-keyval-set': idbKeyvalSet,
  'dexie-add': dexieAdd,
  'dexie-bulk-add': dexieBulkAdd,
  'outbox-put-awaited': outboxPutAwaited,
  'outbox-put-concurrent': outboxPutConcurrent,
  'worker-put-awaited': workerPutAwaited,
  'worker-put-concurrent': workerPutConcurrent,
  'outbox-drain-memory': runDrain,
  'outbox-drain-memory-10x': runDrain,
  'outbox-drain-pglite': runDrain,
  'workbox-replay': workboxReplay,
  'outbox-takeover': runTakeover,
};

/** Untimed preparation some rows need before their timed run (queueing the writes a drain sends). */
export const pagePrepares: Record<string, (n: number, params: RowParams) => Promise<void>> = {
  'outbox-drain-memory': prepareDrain,
  'outbox-drain-memory-10x': prepareDrain,
  'outbox-drain-pglite': prepareDrain,
};
