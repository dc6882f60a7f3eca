import { describe, expect, test } from 'vitest';
import { META_DISCARDED } from '../../../src/core/docs/clear-collection.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { openStore, storages } from './store-fixtures.ts';

describe.each(storages)('LocalStore.clear (%s)', (_label, makeStorage) => {
  test('refuses with pending-writes while writes to the collection are pending, and removes nothing', async () => {
    const store = await openStore(await makeStorage());
    await store.put('notes', 'a', { title: 'a', body: '' });
    const error = await rejectionOf(store.clear('notes'));
    expect(error.code).toBe('pending-writes');
    expect(error.details).toMatchObject({ collection: 'notes', count: 1 });
    expect(await store.get('notes', 'a')).toBeDefined();
  });

  test('with discardPending removes documents and writes of that collection only, and counts the discarded', async () => {
    const storage = await makeStorage();
    const store = await openStore(storage);
    await Promise.all([
      store.put('notes', 'a', { title: 'a', body: '' }),
      store.put('notes', 'b', { title: 'b', body: '' }),
      store.put('prefs', 'me', { theme: 'dark' }),
    ]);
    const seen: DocChange[] = [];
    store.watch('notes', (changes) => seen.push(...changes));
    expect(await store.clear('notes', { discardPending: true })).toEqual({ removed: 2, discarded: 2 });
    expect(await store.clear('notes', { discardPending: true })).toEqual({ removed: 0, discarded: 0 });
    const state = await storage.transact('readonly', async (tx) => [
      await tx.countWrites('notes'),
      await tx.countWrites('prefs'),
      await tx.getMeta(META_DISCARDED),
    ]);
    expect(state).toEqual([0, 1, 2]);
    expect(await store.get('prefs', 'me')).toBeDefined();
    expect(seen.map((c) => `${c.op}:${c.key}`)).toEqual(['delete:a', 'delete:b']);
  });

  test('clears at once when the collection has no pending writes', async () => {
    const storage = await makeStorage();
    const store = await openStore(storage);
    const receipt = await store.put('notes', 'a', { title: 'a', body: '' });
    await storage.transact('readwrite', (tx) => tx.deleteWrite(receipt.seq)); // as if acknowledged by the server
    expect(await store.clear('notes')).toEqual({ removed: 1, discarded: 0 });
    expect(await store.get('notes', 'a')).toBeUndefined();
  });

  test('waits for writes already queued before it', async () => {
    const store = await openStore(await makeStorage());
    const put = store.put('notes', 'a', { title: 'a', body: '' });
    const cleared = await store.clear('notes', { discardPending: true });
    await put;
    expect(cleared).toEqual({ removed: 1, discarded: 1 });
    expect(await store.get('notes', 'a')).toBeUndefined();
  });
});
