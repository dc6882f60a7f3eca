import { describe, expect, test, vi } from 'vitest';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import type { OutboxError } from '../../../src/errors.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { makeDoc } from '../../contracts/storage-fixtures.ts';
import { overrideTx, wrapStorage } from '../../contracts/wrap-storage.ts';
import { openStore, prefs, storages } from './store-fixtures.ts';

/** A store over `storage` that counts the readwrite transactions made after it opened. */
async function openCountingStore(storage: OutboxStorage) {
  let transactions = 0;
  const store = await openStore(wrapStorage(storage, { onTransact: (mode) => mode === 'readwrite' && transactions++ }));
  transactions = 0;
  return { store, writeTransactions: () => transactions };
}

describe.each(storages)('LocalStore (%s)', (_label, makeStorage) => {
  describe('open', () => {
    test('creates a client id once and keeps it across opens', async () => {
      const storage = await makeStorage();
      const first = await openStore(storage);
      const second = await LocalStore.open({ storage, collections: [], randomId: () => 'f'.repeat(32) });
      expect(first.clientId).toMatch(/^[0-9a-f]{32}$/);
      expect(second.clientId).toBe(first.clientId);
    });

    test('refuses two collections with the same name with invalid-config', async () => {
      const storage = await makeStorage();
      const error = await rejectionOf(LocalStore.open({ storage, collections: [prefs, prefs] }));
      expect(error.code).toBe('invalid-config');
    });
  });

  describe('put', () => {
    test('writes the document and appends a plain pending write in one transaction', async () => {
      const storage = await makeStorage();
      const { store, writeTransactions } = await openCountingStore(storage);
      const receipt = await store.put('prefs', 'me', { theme: 'dark' });
      expect(writeTransactions()).toBe(1);
      expect(receipt.coalesced).toBe(false);
      const [doc, writes] = await storage.transact('readonly', async (tx) => [
        await tx.getDoc('prefs', 'me'),
        await tx.listWrites(0, 10),
      ]);
      expect(doc).toEqual({
        collection: 'prefs',
        key: 'me',
        value: { theme: 'dark' },
        version: null,
        schemaVersion: 1,
        updatedAt: 1_000,
      });
      expect(writes).toEqual([
        {
          v: 1,
          seq: receipt.seq,
          id: receipt.id,
          clientId: store.clientId,
          collection: 'prefs',
          key: 'me',
          op: 'put',
          value: { theme: 'dark' },
          baseVersion: null,
          createdAt: 1_000,
          size: JSON.stringify({ theme: 'dark' }).length,
          attempts: 0,
          leaseUntil: null,
          firstFailedAt: null,
          lastError: null,
        },
      ]);
    });

    test('bases the write on the version of the stored document', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('notes', 'n1', { title: 't', body: 'b' }, { version: 4 })));
      const receipt = await store.put('notes', 'n1', { title: 't2', body: 'b' });
      const write = await storage.transact('readonly', (tx) => tx.getWrite(receipt.seq));
      expect(write?.baseVersion).toBe(4);
      expect((await store.get('notes', 'n1'))?.version).toBe(4);
    });

    test('an aborted transaction leaves neither the document nor the write', async () => {
      const storage = await makeStorage();
      const sabotaged = wrapStorage(storage, {
        wrapTx: (tx) =>
          overrideTx(tx, {
            appendWrites: async () => {
              throw new Error('disk on fire while appending the pending write');
            },
          }),
      });
      const store = await openStore(sabotaged);
      const error = await rejectionOf(store.put('prefs', 'me', { theme: 'dark' }));
      expect(error.code).toBe('storage-failed');
      const state = await storage.transact('readonly', async (tx) => [await tx.getDoc('prefs', 'me'), await tx.countWrites()]);
      expect(state).toEqual([undefined, 0]);
    });
  });

  describe('validation', () => {
    test.each([
      ['an unknown collection', 'nope', 'k', { theme: 'dark' }, 'unknown-collection'],
      ['an empty key', 'prefs', '', { theme: 'dark' }, 'invalid-key'],
      ['a key over 512 characters', 'prefs', 'k'.repeat(513), { theme: 'dark' }, 'invalid-key'],
      ['a value that fails the schema', 'prefs', 'k', { theme: 'blue' }, 'invalid-value'],
      ['a document over maxDocBytes', 'events', 'k', { type: 'x'.repeat(300), n: 1 }, 'too-large'],
    ])('rejects %s with its own code and writes nothing', async (_what, collection, key, value, code) => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      const error = await rejectionOf(store.put(collection, key, value as JsonValue));
      expect(error.code).toBe(code);
      expect(await storage.transact('readonly', (tx) => tx.countWrites())).toBe(0);
    });

    test('invalid-value carries the path of the bad field', async () => {
      const store = await openStore(await makeStorage());
      const error = await rejectionOf(store.put('prefs', 'k', { theme: 'dark', fontSize: 1.5 }));
      expect(error.details).toMatchObject({ collection: 'prefs', key: 'k', path: ['fontSize'] });
    });

    test('a rejected write does not affect its neighbours in the same group', async () => {
      const storage = await makeStorage();
      const { store, writeTransactions } = await openCountingStore(storage);
      const settled = await Promise.allSettled([
        store.put('prefs', 'a', { theme: 'dark' }),
        store.put('prefs', 'b', { theme: 'purple' } as unknown as JsonValue),
        store.put('prefs', 'c', { theme: 'light' }),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(writeTransactions()).toBe(1);
      expect((await store.list('prefs')).items.map((d) => d.key)).toEqual(['a', 'c']);
    });

    test('a document over the size limit is left out of its group alone: its neighbours commit in the same transaction', async () => {
      const storage = await makeStorage();
      const { store, writeTransactions } = await openCountingStore(storage);
      const settled = await Promise.allSettled([
        store.put('events', 'a', { type: 'small', n: 1 }),
        store.put('events', 'b', { type: 'x'.repeat(300), n: 2 }),
        store.put('events', 'a', { type: 'small', n: 3 }),
      ]);
      expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as OutboxError).code : s.status))).toEqual([
        'fulfilled',
        'too-large',
        'fulfilled',
      ]);
      expect(writeTransactions()).toBe(1);
      const writes = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
      expect(writes.map((w) => [w.key, w.value])).toEqual([
        ['a', { type: 'small', n: 1 }],
        ['a', { type: 'small', n: 3 }],
      ]);
      expect(await store.get('events', 'b')).toBeUndefined();
    });
  });

  describe('get, delete and list', () => {
    test('get reports the value, version and pending write count', async () => {
      const store = await openStore(await makeStorage());
      await store.put('events', 'e1', { type: 'click', n: 1 });
      await store.put('events', 'e1', { type: 'click', n: 2 });
      expect(await store.get('events', 'e1')).toEqual({
        key: 'e1',
        value: { type: 'click', n: 2 },
        version: null,
        pendingWrites: 2,
      });
      expect(await store.get('events', 'missing')).toBeUndefined();
    });

    test('delete removes the document and queues a delete without a value', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      await store.put('notes', 'n1', { title: 't', body: 'b' });
      const receipt = await store.delete('notes', 'n1');
      expect(await store.get('notes', 'n1')).toBeUndefined();
      const write = await storage.transact('readonly', (tx) => tx.getWrite(receipt.seq));
      expect(write?.op).toBe('delete');
      expect(write !== undefined && 'value' in write).toBe(false);
    });

    test('list pages through a collection in key order', async () => {
      const store = await openStore(await makeStorage());
      await Promise.all(['c', 'a', 'e', 'b', 'd'].map((k) => store.put('notes', k, { title: k, body: '' })));
      const first = await store.list('notes', { limit: 2 });
      const second = await store.list('notes', { after: first.next ?? undefined, limit: 2 });
      const third = await store.list('notes', { after: second.next ?? undefined, limit: 2 });
      expect([first, second, third].map((p) => p.items.map((d) => d.key))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
      expect(third.next).toBeNull();
    });

    test('list refuses a limit outside 1..1000 with invalid-config', async () => {
      const store = await openStore(await makeStorage());
      expect((await rejectionOf(store.list('notes', { limit: 0 }))).code).toBe('invalid-config');
    });
  });

  describe('watch', () => {
    test('delivers committed local changes, filtered by key, until unsubscribed', async () => {
      const store = await openStore(await makeStorage());
      const all: DocChange[][] = [];
      const one: DocChange[][] = [];
      const stopAll = store.watch('notes', (changes) => all.push(changes));
      store.watch('notes', (changes) => one.push(changes), 'n2');
      await Promise.all([store.put('notes', 'n1', { title: '1', body: '' }), store.put('notes', 'n2', { title: '2', body: '' })]);
      stopAll();
      await store.delete('notes', 'n2');
      expect(all).toEqual([
        [
          {
            collection: 'notes',
            key: 'n1',
            op: 'put',
            value: { title: '1', body: '' },
            version: null,
            pendingWrites: 1,
            source: 'local',
          },
          {
            collection: 'notes',
            key: 'n2',
            op: 'put',
            value: { title: '2', body: '' },
            version: null,
            pendingWrites: 1,
            source: 'local',
          },
        ],
      ]);
      expect(one.map((batch) => batch.map((c) => `${c.op}:${c.key}`))).toEqual([['put:n2'], ['delete:n2']]);
    });

    test('each change carries the snapshot get() answers after the commit: value, version and pending writes', async () => {
      const store = await openStore(await makeStorage());
      const seen: DocChange[] = [];
      store.watch('notes', (changes) => seen.push(...changes));
      store.watch('events', (changes) => seen.push(...changes));
      // notes coalesce (one pending write per document); events are appends and never do.
      await Promise.all([store.put('notes', 'n1', { title: '1', body: '' }), store.put('notes', 'n1', { title: '2', body: '' })]);
      await Promise.all([store.put('events', 'e1', { type: 'a', n: 1 }), store.put('events', 'e1', { type: 'b', n: 2 })]);
      await store.delete('notes', 'n2');
      expect(seen.map(({ key, op, value, version, pendingWrites }) => ({ key, op, value, version, pendingWrites }))).toEqual([
        { key: 'n1', op: 'put', value: { title: '2', body: '' }, version: null, pendingWrites: 1 },
        { key: 'e1', op: 'put', value: { type: 'b', n: 2 }, version: null, pendingWrites: 2 },
        { key: 'n2', op: 'delete', value: undefined, version: null, pendingWrites: 1 },
      ]);
      expect(await store.get('events', 'e1')).toEqual({ key: 'e1', value: { type: 'b', n: 2 }, version: null, pendingWrites: 2 });
    });

    test('relays changes from another context to its watchers without passing them on again', async () => {
      const store = await openStore(await makeStorage());
      const seen: DocChange[] = [];
      const tapped: DocChange[] = [];
      store.watch('notes', (changes) => seen.push(...changes));
      store.onChanges((changes) => tapped.push(...changes));
      const change: DocChange = {
        collection: 'notes',
        key: 'n1',
        op: 'put',
        value: { title: 't', body: '' },
        version: 2,
        pendingWrites: 0,
        source: 'remote',
      };
      store.relayChanges([change]);
      await store.put('notes', 'n2', { title: 'mine', body: '' });
      expect(seen.map((c) => c.key)).toEqual(['n1', 'n2']);
      expect(tapped.map((c) => c.key)).toEqual(['n2']);
    });

    test("ends on the stored snapshot when another context's change arrives after a later local write", async () => {
      const store = await openStore(await makeStorage());
      let last: DocChange | undefined;
      store.watch('notes', (changes) => {
        last = changes.at(-1);
      });
      await store.put('notes', 'n1', { title: 'newer', body: '' });
      // Sent by another tab's runner before this put committed: an older value, acknowledged.
      store.relayChanges([
        {
          collection: 'notes',
          key: 'n1',
          op: 'put',
          value: { title: 'older', body: '' },
          version: 1,
          pendingWrites: 0,
          source: 'remote',
        },
      ]);
      await vi.waitFor(() => expect(last?.source).toBe('remote'));
      const { key, value, version, pendingWrites } = last as DocChange;
      expect({ key, value, version, pendingWrites }).toEqual(await store.get('notes', 'n1'));
      expect(value).toEqual({ title: 'newer', body: '' });
    });

    test('makes changes for writes to a collection watched only in another context', async () => {
      const store = await openStore(await makeStorage());
      const tapped: DocChange[] = [];
      store.onChanges((changes) => tapped.push(...changes));
      await store.put('notes', 'n1', { title: 'unwatched', body: '' });
      store.watchElsewhere(['notes']);
      await store.put('notes', 'n2', { title: 'watched elsewhere', body: '' });
      expect(tapped.map((c) => c.key)).toEqual(['n2']);
    });

    test('emitChanges delivers changes committed by the sync engine', async () => {
      const store = await openStore(await makeStorage());
      const seen: DocChange[] = [];
      store.watch('prefs', (changes) => seen.push(...changes));
      store.emitChanges([
        { collection: 'prefs', key: 'me', op: 'put', value: { theme: 'light' }, version: 3, pendingWrites: 0, source: 'remote' },
      ]);
      expect(seen.map((c) => c.source)).toEqual(['remote']);
    });

    test('onWritesCommitted reports how many writes each commit queued', async () => {
      const store = await openStore(await makeStorage());
      const counts: number[] = [];
      store.onWritesCommitted((n) => counts.push(n));
      await Promise.all([store.put('prefs', 'a', { theme: 'dark' }), store.put('prefs', 'b', { theme: 'dark' })]);
      expect(counts).toEqual([2]);
    });

    test('watching an unknown collection throws unknown-collection', async () => {
      const store = await openStore(await makeStorage());
      expect(() => store.watch('nope', () => {})).toThrowError(expect.objectContaining({ code: 'unknown-collection' }));
    });
  });
});
