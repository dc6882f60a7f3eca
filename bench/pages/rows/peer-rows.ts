import Dexie from 'dexie';
import { createStore, keys, set } from 'idb-keyval';
import type { RowRunner } from '../bench-types.ts';
import { dropDb } from './raw-idb.ts';
import { type BenchRecord, makeRecord, timed } from './record.ts';

/** idb-keyval `set`, awaited one by one (one transaction per call, as the library does). */
export const idbKeyvalSet: RowRunner = async (n, { runId }) => {
  const dbName = `keyval-${runId}`;
  const store = createStore(dbName, 'kv');
  const outcome = await timed(n, async () => {
    for (let i = 0; i < n; i++) await set(i, makeRecord(i), store);
  });
  const stored = (await keys(store)).length;
  if (stored !== n) throw new Error(`idb-keyval stored ${stored} of ${n}`);
  await dropDb(dbName);
  return outcome;
};

class BenchDexie extends Dexie {
  items!: Dexie.Table<BenchRecord & { seq: number }, number>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ items: '++seq' });
  }
}

async function withDexie(name: string, n: number, body: (db: BenchDexie) => Promise<unknown>) {
  const db = new BenchDexie(name);
  await db.open();
  const outcome = await timed(n, () => body(db));
  const stored = await db.items.count();
  if (stored !== n) throw new Error(`Dexie stored ${stored} of ${n}`);
  db.close();
  await Dexie.delete(name);
  return outcome;
}

/** Dexie `table.add`, awaited one by one (each add is its own transaction). */
export const dexieAdd: RowRunner = (n, { runId }) =>
  withDexie(`dexie-add-${runId}`, n, async (db) => {
    for (let i = 0; i < n; i++) await db.items.add({ ...makeRecord(i), seq: i + 1 });
  });

/** Dexie `table.bulkAdd` of all N records in one call. */
export const dexieBulkAdd: RowRunner = (n, { runId }) =>
  withDexie(`dexie-bulk-${runId}`, n, async (db) => {
    const all = new Array(n);
    for (let i = 0; i < n; i++) all[i] = { ...makeRecord(i), seq: i + 1 };
    await db.items.bulkAdd(all);
  });
