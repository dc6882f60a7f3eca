import { describe, expect, test } from 'vitest';
import { openIdbOutboxStorage } from '../../src/core/storage/idb-outbox-storage.ts';
import { readCounts } from '../../src/core/queue/read-counts.ts';
import type { QuarantinedRecord } from '../../src/protocol/quarantined-record.ts';
import { createHarness } from '../core/sync/sync-harness.ts';
import { makeConflict, makeDeadLetter, makeWrite } from './storage-fixtures.ts';

/** Writes `value` under `key` into `store` of the database `name` directly, as a bug or another app version could. */
function corrupt(indexedDB: IDBFactory, name: string, store: string, value: unknown, key?: IDBValidKey): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      if (key === undefined) tx.objectStore(store).put(value);
      else tx.objectStore(store).put(value, key);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  });
}

/** Reads one record of `store` directly. */
function rawRecord(indexedDB: IDBFactory, name: string, store: string, key: IDBValidKey): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction(store).objectStore(store).get(key);
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  });
}

/** A client over fake-indexeddb with the loop stopped (writes stay pending until `h.loop.start()`). */
async function client(indexedDB: IDBFactory) {
  const name = `quarantine-${Math.random().toString(36).slice(2)}`;
  const storage = await openIdbOutboxStorage(name, {
    indexedDB,
    stamp: { now: () => 5, newId: () => 'q'.repeat(32) },
  });
  const h = await createHarness({ storage });
  const quarantined = (): Promise<QuarantinedRecord[]> => storage.transact('readonly', (tx) => tx.listQuarantined());
  return { name, h, storage, quarantined };
}

/** Puts one more note, syncs everything, and checks the server has it: the corrupt record stalled nothing. */
async function putsSyncAndFlushStillWork(h: Awaited<ReturnType<typeof createHarness>>): Promise<void> {
  await h.store.put('notes', 'after', { text: 'after the corruption' });
  h.loop.start();
  await h.loop.flush();
  await h.loop.whenIdle();
  expect(h.server.doc('notes', 'after')?.value).toEqual({ text: 'after the corruption' });
  expect(await h.outbox()).toEqual([]);
}

/**
 * Each kind of record corrupted directly in IndexedDB: puts, sync and flush still work, and the
 * record is listed in the quarantine with its code. Run against fake-indexeddb (node) and Chromium (browser).
 */
export function runQuarantineScenarios(label: string, indexedDB: IDBFactory): void {
  describe(`quarantine of records read back in the wrong shape (${label})`, () => {
    test('a document of the wrong shape reads as absent, is quarantined, and a put to its key works', async () => {
      const { name, h, storage, quarantined } = await client(indexedDB);
      await corrupt(indexedDB, name, 'docs', { value: 'x', version: 'one', schemaVersion: 1, updatedAt: 1 }, 'notes/bad');
      expect(await h.store.get('notes', 'bad')).toBeUndefined();
      await h.store.put('notes', 'bad', { text: 'rewritten' });
      await putsSyncAndFlushStillWork(h);
      expect(h.server.doc('notes', 'bad')?.value).toEqual({ text: 'rewritten' });
      const [record] = await quarantined();
      expect(record).toMatchObject({ code: 'record-quarantined', store: 'docs', key: 'notes/bad', raw: { version: 'one' } });
      expect((await readCounts(storage)).quarantined).toBe(1);
      await h.loop.refreshStatus();
      expect(h.loop.status.current.quarantined).toBe(1);
    });

    test('an outbox chunk of the wrong shape is quarantined whole and later writes are still sent', async () => {
      const { name, h, quarantined } = await client(indexedDB);
      await h.store.put('notes', 'lost', { text: 'in the chunk that breaks' });
      const [write] = await h.outbox();
      await corrupt(indexedDB, name, 'outbox', { firstSeq: write?.seq, clientId: 'c', writes: 'not a list' }, write?.seq);
      await putsSyncAndFlushStillWork(h);
      // The document whose value sat in that write points at nothing now: it is quarantined too, not left to fail reads.
      expect(await h.store.get('notes', 'lost')).toBeUndefined();
      const records = await quarantined();
      expect(records.map((r) => [r.code, r.store, r.key])).toContainEqual(['record-quarantined', 'outbox', write?.seq]);
      expect(records.find((r) => r.store === 'outbox')?.raw).toMatchObject({ writes: 'not a list' });
      expect(records.map((r) => r.key)).toContain('notes/lost');
    });

    test('one write of the wrong shape inside a chunk is quarantined alone; its neighbours are sent', async () => {
      const { name, h, quarantined } = await client(indexedDB);
      await h.store.put('notes', 'a', { text: 'one' });
      await h.store.put('notes', 'b', { text: 'two' });
      const [first] = await h.outbox();
      const chunk = (await rawRecord(indexedDB, name, 'outbox', first?.seq as number)) as { writes: Record<string, unknown>[] };
      expect(chunk.writes.length).toBeGreaterThan(0);
      await corrupt(
        indexedDB,
        name,
        'outbox',
        { ...chunk, writes: chunk.writes.map((w) => (w.key === 'a' ? { ...w, op: 'upsert' } : w)) },
        first?.seq,
      );
      await putsSyncAndFlushStillWork(h);
      const records = await quarantined();
      expect(records.filter((r) => r.store === 'outbox').map((r) => (r.raw as { op: string }).op)).toEqual(['upsert']);
      expect(h.server.doc('notes', 'b')?.value).toEqual({ text: 'two' });
    });

    test('a dead letter of the wrong shape is quarantined and the others are still listed', async () => {
      const { name, h, storage, quarantined } = await client(indexedDB);
      const letter = makeDeadLetter({ ...makeWrite('notes', 'ok'), seq: 999 }, 7);
      await storage.transact('readwrite', (tx) => tx.putDeadLetter(letter));
      await corrupt(indexedDB, name, 'deadLetters', { id: 'broken', reason: 'rejected', junk: [1, 2] });
      expect((await h.deadLetters()).map((l) => l.write.key)).toEqual(['ok']);
      await putsSyncAndFlushStillWork(h);
      expect(await quarantined()).toMatchObject([{ code: 'record-quarantined', store: 'deadLetters', key: 'broken' }]);
      expect((await readCounts(storage)).deadLetters).toBe(1);
    });

    test('a conflict of the wrong shape is quarantined and the others are still listed', async () => {
      const { name, h, storage, quarantined } = await client(indexedDB);
      await storage.transact('readwrite', (tx) => tx.putConflict(makeConflict('ok', 7)));
      await corrupt(indexedDB, name, 'conflicts', { id: 'broken', at: 'yesterday' });
      const conflicts = await storage.transact('readonly', (tx) => tx.listConflicts());
      expect(conflicts.map((c) => c.id)).toEqual(['ok']);
      await putsSyncAndFlushStillWork(h);
      expect(await quarantined()).toMatchObject([{ store: 'conflicts', key: 'broken', raw: { at: 'yesterday' } }]);
      expect((await readCounts(storage)).conflicts).toBe(1);
    });

    test('a meta value of the wrong type (the pull cursor) is quarantined and the pull starts over', async () => {
      const { name, h, quarantined } = await client(indexedDB);
      h.server.writeAsOtherClient('notes', 'theirs', { text: 'from elsewhere' });
      await corrupt(indexedDB, name, 'meta', { not: 'a cursor' }, 'pullCursor');
      await putsSyncAndFlushStillWork(h);
      expect(await h.store.get('notes', 'theirs')).toMatchObject({ value: { text: 'from elsewhere' } });
      expect(await quarantined()).toMatchObject([{ store: 'meta', key: 'pullCursor', raw: { not: 'a cursor' } }]);
    });

    test("the outbox's own state and the stored counts of the wrong shape are quarantined; counts and seqs recover", async () => {
      const { name, h, storage, quarantined } = await client(indexedDB);
      await h.store.put('notes', 'before', { text: 'queued first' });
      await corrupt(indexedDB, name, 'meta', 'garbage', 'outboxState');
      await corrupt(indexedDB, name, 'meta', { pending: -3 }, 'storeCounts');
      await putsSyncAndFlushStillWork(h);
      expect(h.server.doc('notes', 'before')?.value).toEqual({ text: 'queued first' });
      expect((await readCounts(storage)).pending).toBe(0);
      const keys = (await quarantined()).map((r) => [r.store, r.key]);
      expect(keys).toEqual(
        expect.arrayContaining([
          ['meta', 'outboxState'],
          ['meta', 'storeCounts'],
        ]),
      );
    });

    test('a record read twice at once in one transaction is listed once', async () => {
      const { name, storage, quarantined } = await client(indexedDB);
      await corrupt(indexedDB, name, 'docs', 'just a string', 'notes/twice');
      await storage.transact('readwrite', (tx) => Promise.all([tx.getDoc('notes', 'twice'), tx.getDoc('notes', 'twice')]));
      expect((await quarantined()).map((r) => r.key)).toEqual(['notes/twice']);
    });

    test('a readonly read moves what it found to the quarantine right after it', async () => {
      const { name, storage, quarantined } = await client(indexedDB);
      await corrupt(indexedDB, name, 'docs', ['an', 'array'], 'notes/arr');
      expect(await storage.transact('readonly', (tx) => tx.getDoc('notes', 'arr'))).toBeUndefined();
      expect(await rawRecord(indexedDB, name, 'docs', 'notes/arr')).toBeUndefined();
      expect(await quarantined()).toMatchObject([{ store: 'docs', key: 'notes/arr', raw: ['an', 'array'], at: 5 }]);
    });
  });
}
