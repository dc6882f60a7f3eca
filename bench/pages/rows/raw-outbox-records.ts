import type { RowOutcome } from '../bench-types.ts';
import { committed } from './raw-idb.ts';
import { makeRecord, timed } from './record.ts';

/** Writes per outbox record, as the Outbox stores them (src/core/storage/outbox-chunk.ts). */
const CHUNK = 128;

function openPatternDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('docs');
      req.result.createObjectStore('outbox');
      req.result.createObjectStore('meta');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * The floor for Outbox puts: the records one Outbox transaction must write for N puts (each
 * document, pointing at the pending write that holds its value; each pending write, in chunks
 * of 128; the counters and the outbox state; out-of-line keys and schema 4's records, as in
 * src/core/storage/idb-schema.ts, doc-value-links.ts and stored-write.ts),
 * written with plain IndexedDB calls and no library code at all: no validation, no ids, no
 * promises per write, durability 'strict' like the Outbox. Run inside a worker, beside the
 * LocalStore row, so the two differ only by the library's own work.
 */
export async function rawOutboxRecords(n: number, dbName: string): Promise<RowOutcome> {
  const db = await openPatternDb(dbName);
  const now = Date.now();
  const outcome = await timed(n, async () => {
    const tx = db.transaction(['docs', 'outbox', 'meta'], 'readwrite', { durability: 'strict' });
    const docs = tx.objectStore('docs');
    const outbox = tx.objectStore('outbox');
    let chunk: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const key = `item-${i}`;
      const value = makeRecord(i);
      const seq = i + 1;
      docs.put({ version: null, schemaVersion: 1, updatedAt: now, valueSeq: seq }, `items/${key}`);
      chunk.push({
        seq,
        id: `0000000000000000${String(seq).padStart(16, '0')}`,
        collection: 'items',
        key,
        op: 'put',
        baseVersion: null,
        createdAt: now,
        size: 200,
        value,
      });
      if (chunk.length === CHUNK || i === n - 1) {
        const firstSeq = seq - chunk.length + 1;
        outbox.put({ firstSeq, clientId: 'c0ffee00c0ffee00c0ffee00c0ffee00', writes: chunk }, firstSeq);
        chunk = [];
      }
    }
    tx.objectStore('meta').put({ pending: n, deadLetters: 0, conflicts: 0 }, 'storeCounts');
    tx.objectStore('meta').put({ nextSeq: n + 1, token: 'c0ffee00-1' }, 'outboxState');
    await committed(tx);
  });
  const count = await new Promise<number>((resolve, reject) => {
    const req = db.transaction('docs', 'readonly').objectStore('docs').count();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  db.close();
  if (count !== n) throw new Error(`expected ${n} documents in ${dbName}, found ${count}`);
  return outcome;
}
