import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { listPendingDatabases } from '../../../src/core/runtime/list-pending-databases.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { notes } from '../docs/store-fixtures.ts';

describe('listPendingDatabases', () => {
  test("lists each user's database with unsynced writes, by prefix, and leaves the others out", async () => {
    const indexedDB = new IDBFactory();
    const open = (name: string) => openIdbOutboxStorage(name, { indexedDB });
    const write = async (name: string, count: number) => {
      const store = await LocalStore.open({ storage: await open(name), collections: [notes] });
      for (let i = 0; i < count; i++) await store.put('notes', `n${i}`, { title: `${i}`, body: '' });
      await store.close();
    };
    await write('app-user-a', 3);
    await write('app-user-b', 0);
    await write('app-user-c', 1);
    await write('other-app', 2);
    const found = await listPendingDatabases('app-user-', { databases: () => indexedDB.databases(), openStorage: open });
    expect(found).toEqual([
      { name: 'app-user-a', pending: 3, deadLetters: 0 },
      { name: 'app-user-c', pending: 1, deadLetters: 0 },
    ]);
    // Read only: counting again finds the same writes, nothing was pushed or removed.
    expect(await listPendingDatabases('app-user-a', { databases: () => indexedDB.databases(), openStorage: open })).toEqual([
      { name: 'app-user-a', pending: 3, deadLetters: 0 },
    ]);
  });
});
