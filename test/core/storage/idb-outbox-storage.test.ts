import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { DB_VERSION } from '../../../src/core/storage/idb-schema.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { rejectionOf, runOutboxStorageContract } from '../../contracts/outbox-storage.contract.ts';
import { makeWrite } from '../../contracts/storage-fixtures.ts';

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
    expect(await rawDoc(name, 'prefs', 'me')).toEqual({
      collection: 'prefs',
      key: 'me',
      version: 4,
      schemaVersion: 1,
      updatedAt: 9,
      valueSeq: seq,
    });
    const reopened = await openIdbOutboxStorage(name, { indexedDB });
    await reopened.transact('readwrite', (tx) => tx.deleteWrite(seq));
    reopened.close();
    expect(await rawDoc(name, 'prefs', 'me')).toEqual({
      collection: 'prefs',
      key: 'me',
      value,
      version: 4,
      schemaVersion: 1,
      updatedAt: 9,
    });
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
