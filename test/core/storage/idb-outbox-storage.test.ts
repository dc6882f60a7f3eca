import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { DB_VERSION } from '../../../src/core/storage/idb-schema.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import type { ClientId } from '../../../src/protocol/ids.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { rejectionOf, runOutboxStorageContract } from '../../contracts/outbox-storage.contract.ts';
import { makeDoc, makeWrite } from '../../contracts/storage-fixtures.ts';

// One factory for the whole file so reopening a name finds its data; each scenario uses a fresh name.
const indexedDB = new IDBFactory();

runOutboxStorageContract('IndexedDB (fake-indexeddb)', {
  open: (name) => openIdbOutboxStorage(name, { indexedDB }),
  persistent: true,
});

/** Creates a database laid out as schema version 1 (one record per pending write), holding `writes`, of which it then deletes the last `deleted`. */
function createVersion1(name: string, writes: Omit<PendingWrite, 'seq'>[], deleted: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('docs', { keyPath: ['collection', 'key'] });
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      outbox.createIndex('by-id', 'id', { unique: true });
      outbox.createIndex('by-doc', ['collection', 'key']);
      db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('by-deadAt', 'deadAt');
      db.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('by-at', 'at');
      const meta = db.createObjectStore('meta');
      meta.put({ pending: writes.length - deleted, deadLetters: 0, conflicts: 0 }, 'storeCounts');
      request.transaction?.objectStore('docs').put(OLD_DOC);
      for (const write of writes) outbox.add(write);
      for (let i = 0; i < deleted; i++) outbox.delete(writes.length - i);
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

const OLD_DOC = { collection: 'prefs', key: 'kept', value: { theme: 'dark' }, version: 3, schemaVersion: 1, updatedAt: 5 };

/** Creates a database laid out as schema version 2 (chunks and documents in stores with key paths), holding one document and `writes`. */
function createVersion2(name: string, writes: PendingWrite[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('docs', { keyPath: ['collection', 'key'] }).put(OLD_DOC);
      const outbox = db.createObjectStore('outbox', { keyPath: 'firstSeq' });
      for (let i = 0; i < writes.length; i += 128)
        outbox.put({ firstSeq: (writes[i] as PendingWrite).seq, writes: writes.slice(i, i + 128) });
      db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('by-deadAt', 'deadAt');
      db.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('by-at', 'at');
      const meta = db.createObjectStore('meta');
      meta.put({ pending: writes.length, deadLetters: 0, conflicts: 0 }, 'storeCounts');
      meta.put({ nextSeq: writes.length + 1, token: 'v2' }, 'outboxState');
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

/** Creates a database laid out as schema version 3 (out-of-line keys, full records), holding `chunks` of writes and `docs` under their keys. */
function createVersion3(name: string, chunks: PendingWrite[][], docs: [string, unknown][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 3);
    request.onupgradeneeded = () => {
      const db = request.result;
      const docStore = db.createObjectStore('docs');
      for (const [key, doc] of docs) docStore.put(JSON.parse(JSON.stringify(doc)), key);
      const outbox = db.createObjectStore('outbox');
      for (const [i, writes] of chunks.entries()) {
        const firstSeq = i === 0 ? 1 : (writes[0] as PendingWrite).seq;
        outbox.put({ firstSeq, writes }, firstSeq);
      }
      db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('by-deadAt', 'deadAt');
      db.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('by-at', 'at');
      const meta = db.createObjectStore('meta');
      const count = chunks.flat().length;
      meta.put({ pending: count, deadLetters: 0, conflicts: 0 }, 'storeCounts');
      meta.put({ nextSeq: (chunks.flat().at(-1)?.seq ?? 0) + 1, token: 'v3' }, 'outboxState');
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
}

/** Every record of the `outbox` store, read with plain IndexedDB calls. */
function rawChunks(name: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => {
      const db = request.result;
      const all = db.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result);
      };
      all.onerror = () => reject(all.error);
    };
    request.onerror = () => reject(request.error);
  });
}

/** The key paths of the stores as they are on disk. */
function keyPaths(name: string): Promise<Record<string, string | string[] | null>> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction(['docs', 'outbox']);
      resolve({ docs: tx.objectStore('docs').keyPath, outbox: tx.objectStore('outbox').keyPath });
      db.close();
    };
    request.onerror = () => reject(request.error);
  });
}

/** The record the `docs` store holds for one document, read with plain IndexedDB calls. */
function rawDoc(name: string, collection: string, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => {
      const db = request.result;
      const get = db.transaction('docs').objectStore('docs').get(`${collection}/${key}`);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
    request.onerror = () => reject(request.error);
  });
}

describe('openIdbOutboxStorage', () => {
  test('stores a document put with its pending write once: the record points at the write until the write goes', async () => {
    const name = `once-${Math.random()}`;
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const value = { theme: 'dark' };
    const seq = await storage.transact('readwrite', async (tx) => {
      const [s] = await tx.appendWrites([makeWrite('prefs', 'me', { value })]);
      await tx.putDoc({ collection: 'prefs', key: 'me', value, version: 4, schemaVersion: 1, updatedAt: 9 });
      return s as number;
    });
    storage.close();
    expect(await rawDoc(name, 'prefs', 'me')).toEqual({ version: 4, schemaVersion: 1, updatedAt: 9, valueSeq: seq });
    const reopened = await openIdbOutboxStorage(name, { indexedDB });
    await reopened.transact('readwrite', (tx) => tx.deleteWrite(seq));
    reopened.close();
    expect(await rawDoc(name, 'prefs', 'me')).toEqual({ value, version: 4, schemaVersion: 1, updatedAt: 9 });
  });

  test('stores a pending write without what its chunk or a new write already says, and reads it back whole', async () => {
    const name = `compact-${Math.random()}`;
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const fresh = makeWrite('prefs', 'a', { value: { n: 1 } });
    const other = makeWrite('prefs', 'b', { clientId: 'ab'.repeat(16) as ClientId, op: 'delete', value: undefined });
    const [s1, s2] = await storage.transact('readwrite', (tx) => tx.appendWrites([fresh, other]));
    const { v: _v, clientId: _c, attempts: _a, leaseUntil: _l, firstFailedAt: _f, lastError: _e, ...bare } = fresh;
    const { v: _v2, attempts: _a2, leaseUntil: _l2, firstFailedAt: _f2, lastError: _e2, value: _x, ...bareOther } = other;
    expect(await rawChunks(name)).toEqual([
      {
        firstSeq: s1,
        clientId: fresh.clientId,
        writes: [
          { seq: s1, ...bare },
          { seq: s2, ...bareOther },
        ],
      },
    ]);
    const leased = {
      ...fresh,
      seq: s1 as number,
      attempts: 2,
      leaseUntil: 50,
      firstFailedAt: 40,
      lastError: { code: 'x', message: 'y' },
    };
    await storage.transact('readwrite', (tx) => tx.putWrite(leased));
    const [chunk] = (await rawChunks(name)) as { writes: Record<string, unknown>[] }[];
    expect(chunk?.writes[0]).toEqual({
      seq: s1,
      ...bare,
      attempts: 2,
      leaseUntil: 50,
      firstFailedAt: 40,
      lastError: { code: 'x', message: 'y' },
    });
    const read = await storage.transact('readonly', async (tx) => [
      await tx.getWrite(s1 as number),
      await tx.getWrite(s2 as number),
    ]);
    expect(read).toEqual([leased, { ...other, seq: s2 }]);
    storage.close();
  });

  test('upgrades a version 3 database to the compact records: documents, pointers and pending writes read as before', async () => {
    const name = `v3-${Math.random()}`;
    const writes = Array.from({ length: 130 }, (_, i) => ({ ...makeWrite('prefs', `k${i}`, { attempts: i % 2 }), seq: i + 1 }));
    // The chunk starting at 1 lost its first write: it keeps its key (1) though its first write is now 2.
    await createVersion3(
      name,
      [writes.slice(1, 128), writes.slice(128)],
      [
        ['prefs/kept', OLD_DOC],
        ['prefs/k5', { ...makeDoc('prefs', 'k5', writes[5]?.value ?? null), valueSeq: 6, value: undefined }],
      ],
    );
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const seen = await storage.transact('readonly', async (tx) => ({
      kept: await tx.getDoc('prefs', 'kept'),
      linked: (await tx.getDoc('prefs', 'k5'))?.value,
      listed: (await tx.listDocs('prefs', undefined, 10)).map((d) => d.key),
      writes: await tx.listWrites(0, 1000),
      owner: (await tx.getWrite(2))?.seq,
    }));
    expect(seen).toEqual({ kept: OLD_DOC, linked: writes[5]?.value, listed: ['k5', 'kept'], writes: writes.slice(1), owner: 2 });
    expect(await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'new')))).toBe(131);
    storage.close();
    expect(await rawDoc(name, 'prefs', 'kept')).toEqual({ value: OLD_DOC.value, version: 3, schemaVersion: 1, updatedAt: 5 });
    expect(((await rawChunks(name)) as { firstSeq: number }[]).map((c) => c.firstSeq)).toEqual([1, 129, 131]);
  });

  test('upgrades a version 2 database to out-of-line keys: documents and pending writes stay where they were', async () => {
    const name = `v2-${Math.random()}`;
    const writes = Array.from({ length: 300 }, (_, i) => ({ ...makeWrite('prefs', `k${i % 10}`), seq: i + 1 }));
    await createVersion2(name, writes);
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const seen = await storage.transact('readonly', async (tx) => ({
      doc: await tx.getDoc('prefs', 'kept'),
      listed: (await tx.listDocs('prefs', undefined, 10)).map((d) => d.key),
      seqs: (await tx.listWrites(0, 1000)).map((w) => w.seq),
      byId: (await tx.getWriteById((writes[200] as PendingWrite).id))?.seq,
    }));
    expect(seen).toEqual({ doc: OLD_DOC, listed: ['kept'], seqs: writes.map((w) => w.seq), byId: 201 });
    expect(await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'new')))).toBe(301);
    storage.close();
    expect(await keyPaths(name)).toEqual({ docs: null, outbox: null });
  });

  test('upgrades a version 1 database: every pending write keeps its seq and id, and new seqs stay above all old ones', async () => {
    const name = `v1-${Math.random()}`;
    const writes = Array.from({ length: 300 }, (_, i) => makeWrite(i % 2 === 0 ? 'prefs' : 'events', `k${i % 10}`));
    await createVersion1(name, writes, 2);
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const listed = await storage.transact('readonly', (tx) => tx.listWrites(0, 1000));
    expect(listed.map((w) => [w.seq, w.id])).toEqual(writes.slice(0, 298).map((w, i) => [i + 1, w.id]));
    const found = await storage.transact('readonly', async (tx) => [
      (await tx.getWriteById((writes[150] as PendingWrite).id))?.seq,
      (await tx.listWritesForDoc('prefs', 'k4')).length,
      await tx.countWrites(),
    ]);
    expect(found).toEqual([151, 30, 298]);
    expect(await storage.transact('readonly', (tx) => tx.getDoc('prefs', 'kept'))).toEqual(OLD_DOC);
    // Seqs 299 and 300 were handed out (and deleted) under version 1: never again.
    expect(await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'new')))).toBeGreaterThan(300);
    storage.close();
  });

  test('rejects with version-error when the database on disk is newer', async () => {
    const name = `newer-${Math.random()}`;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(name, 99);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    const error = await rejectionOf(openIdbOutboxStorage(name, { indexedDB }));
    expect(error.code).toBe('version-error');
  });

  test('closes itself when another connection asks to upgrade, so the upgrade is not blocked', async () => {
    const name = `upgrade-${Math.random()}`;
    const storage = await openIdbOutboxStorage(name, { indexedDB });
    const upgraded = await new Promise<number>((resolve, reject) => {
      const request = indexedDB.open(name, DB_VERSION + 1);
      request.onsuccess = () => {
        request.result.close();
        resolve(request.result.version);
      };
      request.onblocked = () => reject(new Error('blocked'));
      request.onerror = () => reject(request.error);
    });
    expect(upgraded).toBe(DB_VERSION + 1);
    const error = await rejectionOf(storage.transact('readonly', (tx) => tx.getMeta('x')));
    expect(error.code).toBe('database-closed');
  });
});
