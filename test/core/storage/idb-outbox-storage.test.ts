import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { rejectionOf, runOutboxStorageContract } from '../../contracts/outbox-storage.contract.ts';

// One factory for the whole file so reopening a name finds its data; each scenario uses a fresh name.
const indexedDB = new IDBFactory();

runOutboxStorageContract('IndexedDB (fake-indexeddb)', {
  open: (name) => openIdbOutboxStorage(name, { indexedDB }),
  persistent: true,
});

describe('openIdbOutboxStorage', () => {
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
      const request = indexedDB.open(name, 2);
      request.onsuccess = () => {
        request.result.close();
        resolve(request.result.version);
      };
      request.onblocked = () => reject(new Error('blocked'));
      request.onerror = () => reject(request.error);
    });
    expect(upgraded).toBe(2);
    const error = await rejectionOf(storage.transact('readonly', (tx) => tx.getMeta('x')));
    expect(error.code).toBe('database-closed');
  });
});
