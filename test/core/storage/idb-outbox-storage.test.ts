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

describe('openIdbOutboxStorage', () => {
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
