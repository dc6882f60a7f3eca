import type { RowRunner } from '../bench-types.ts';
import { makeRecord, timed } from './record.ts';

const STORE = 'items';

/** Opens (creating) a database with one out-of-line-key object store. */
export function openRawDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction has committed. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
  });
}

/**
 * Deletes a database. A library that keeps its connection open (idb-keyval) blocks the delete until the
 * tab closes; the harness closes the tab after every run, so resolving on `blocked` loses nothing.
 */
export function dropDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
    req.onblocked = () => resolve();
  });
}

/** Counts the records of the bench store (sanity check that every write landed). */
export async function countRaw(db: IDBDatabase): Promise<number> {
  const tx = db.transaction(STORE, 'readonly');
  const req = tx.objectStore(STORE).count();
  await committed(tx);
  return req.result;
}

/** Baseline: one put per readwrite transaction, each awaited until `complete` (the ratio baseline). */
export const rawPutPerTx: RowRunner = async (n, { runId }) => {
  const db = await openRawDb(`raw-1tx-each-${runId}`);
  const outcome = await timed(n, async () => {
    for (let i = 0; i < n; i++) {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(makeRecord(i), i);
      await committed(tx);
    }
  });
  await checkCount(db, n);
  db.close();
  await dropDb(db.name);
  return outcome;
};

/** The practical limit: all N puts in one readwrite transaction. */
export const rawOneTx: RowRunner = async (n, { runId }) => {
  const db = await openRawDb(`raw-1tx-all-${runId}`);
  const outcome = await timed(n, async () => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (let i = 0; i < n; i++) store.put(makeRecord(i), i);
    await committed(tx);
  });
  await checkCount(db, n);
  db.close();
  await dropDb(db.name);
  return outcome;
};

/** Throws when a row stored fewer (or more) records than it claims: a figure for lost writes is no figure. */
export async function checkCount(db: IDBDatabase, n: number): Promise<void> {
  const count = await countRaw(db);
  if (count !== n) throw new Error(`expected ${n} records in ${db.name}, found ${count}`);
}
