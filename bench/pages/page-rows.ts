import type { RowRunner } from './bench-types.ts';
import { dexieAdd, dexieBulkAdd, idbKeyvalSet } from './rows/peer-rows.ts';
import { rawOneTx, rawPutPerTx } from './rows/raw-idb.ts';
import { workboxPushRequest, workboxReplay } from './rows/workbox-rows.ts';

/** Every row the page can run, by id (ids match bench/harness/row-catalog.ts). */
export const pageRows: Record<string, RowRunner> = {
  'raw-put-per-tx': rawPutPerTx,
  'raw-one-tx': rawOneTx,
  'workbox-push-request': workboxPushRequest,
  'idb-keyval-set': idbKeyvalSet,
  'dexie-add': dexieAdd,
  'dexie-bulk-add': dexieBulkAdd,
  'workbox-replay': workboxReplay,
};
