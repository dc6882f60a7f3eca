import { describe, expect, test } from 'vitest';
import type { StorageTx } from '../../../src/core/storage/outbox-storage.ts';
import type { OutboxError } from '../../../src/errors.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { overrideTx, wrapStorage } from '../../contracts/wrap-storage.ts';
import { openStore, storages } from '../docs/store-fixtures.ts';

const allWrites = (tx: StorageTx): Promise<PendingWrite[]> => tx.listWrites(0, 10_000);

describe.each(storages)('enqueue through LocalStore (%s)', (_label, makeStorage) => {
  describe('group commit', () => {
    test('N concurrent puts share far fewer transactions than N, each resolved after its commit, in seq order', async () => {
      const storage = await makeStorage();
      let transactions = 0;
      let committed = 0;
      const counted = wrapStorage(storage, { onTransact: (mode) => mode === 'readwrite' && transactions++ });
      const observed = {
        ...counted,
        transact: <T>(mode: 'readonly' | 'readwrite', fn: (tx: StorageTx) => Promise<T>) =>
          counted.transact(mode, fn).then((result) => {
            if (mode === 'readwrite') committed++;
            return result;
          }),
      };
      const store = await openStore(observed);
      transactions = 0;
      committed = 0;
      const N = 200;
      const resolvedAfterCommit: boolean[] = [];
      const receipts = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          store.put('events', `e${i}`, { type: 't', n: i }).then((r) => {
            resolvedAfterCommit.push(committed > 0);
            return r;
          }),
        ),
      );
      expect(transactions).toBeLessThanOrEqual(2);
      expect(resolvedAfterCommit).toEqual(Array(N).fill(true));
      const seqs = receipts.map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const stored = await storage.transact('readonly', allWrites);
      expect(stored.map((w) => w.key)).toEqual(Array.from({ length: N }, (_, i) => `e${i}`));
    });

    test('one put awaited alone commits without waiting for company', async () => {
      const store = await openStore(await makeStorage());
      const receipt = await store.put('prefs', 'me', { theme: 'dark' });
      expect((await store.get('prefs', 'me'))?.pendingWrites).toBe(1);
      expect(receipt.seq).toBeGreaterThan(0);
    });
  });

  describe('coalescing', () => {
    test('a put to a coalescing collection replaces the unsent write to the same key', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      const first = await store.put('prefs', 'me', { theme: 'dark' });
      const second = await store.put('prefs', 'me', { theme: 'light' });
      await store.put('prefs', 'other', { theme: 'dark' });
      const third = await store.put('prefs', 'me', { theme: 'dark', fontSize: 14 });
      expect([first.coalesced, second.coalesced, third.coalesced]).toEqual([false, true, true]);
      const writes = await storage.transact('readonly', allWrites);
      expect(writes.map((w) => [w.key, w.value])).toEqual([
        ['other', { theme: 'dark' }],
        ['me', { theme: 'dark', fontSize: 14 }],
      ]);
      expect(writes[1]?.seq).toBe(third.seq);
    });

    test('1,000 edits of one document in one burst leave one write', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.put('prefs', 'me', { theme: 'dark', fontSize: i })));
      const writes = await storage.transact('readonly', allWrites);
      expect(writes.map((w) => w.value)).toEqual([{ theme: 'dark', fontSize: 999 }]);
    });

    test('a replacing write keeps the id of the write it replaced, so whenSynced of any edit follows the one write sent', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      const first = await store.put('prefs', 'me', { theme: 'dark' });
      const later = await store.put('prefs', 'me', { theme: 'light' });
      const burst = await Promise.all([
        store.put('prefs', 'me', { theme: 'dark', fontSize: 1 }),
        store.put('prefs', 'me', { theme: 'dark', fontSize: 2 }),
      ]);
      expect([later.id, ...burst.map((r) => r.id)]).toEqual([first.id, first.id, first.id]);
      const writes = await storage.transact('readonly', allWrites);
      expect(writes.map((w) => [w.id, w.value])).toEqual([[first.id, { theme: 'dark', fontSize: 2 }]]);
      const other = await store.put('prefs', 'other', { theme: 'dark' });
      expect(other.id).not.toBe(first.id);
    });

    test('a delete replaces an unsent put and keeps its base version', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      await store.put('notes', 'n', { title: 't', body: '' });
      await store.delete('notes', 'n');
      const writes = await storage.transact('readonly', allWrites);
      expect(writes.map((w) => [w.op, w.baseVersion])).toEqual([['delete', null]]);
    });

    test('a write already handed to a push is never replaced', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      const first = await store.put('prefs', 'me', { theme: 'dark' });
      await storage.transact('readwrite', async (tx) => {
        const write = (await tx.getWrite(first.seq)) as PendingWrite;
        await tx.putWrite({ ...write, attempts: 1, leaseUntil: 99_000 });
      });
      const second = await store.put('prefs', 'me', { theme: 'light' });
      expect(second.coalesced).toBe(false);
      expect(await storage.transact('readonly', (tx) => tx.countWrites())).toBe(2);
    });

    test('an append collection keeps every write in order', async () => {
      const storage = await makeStorage();
      const store = await openStore(storage);
      const receipts = [];
      for (let n = 0; n < 3; n++) receipts.push(await store.put('events', 'same', { type: 't', n }));
      receipts.push(...(await Promise.all([1, 2].map((n) => store.put('events', 'same', { type: 'u', n })))));
      expect(receipts.every((r) => !r.coalesced)).toBe(true);
      const writes = await storage.transact('readonly', allWrites);
      expect(writes.map((w) => w.value)).toEqual([
        { type: 't', n: 0 },
        { type: 't', n: 1 },
        { type: 't', n: 2 },
        { type: 'u', n: 1 },
        { type: 'u', n: 2 },
      ]);
    });
  });

  describe('quota', () => {
    test('quota-exceeded rejects every write of the group and leaves earlier writes intact', async () => {
      const storage = await makeStorage();
      let full = false;
      const store = await openStore(
        wrapStorage(storage, {
          wrapTx: (tx) =>
            overrideTx(tx, {
              appendWrites: async (writes) => {
                if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
                return tx.appendWrites(writes);
              },
            }),
        }),
      );
      await store.put('notes', 'kept', { title: 'before', body: '' });
      full = true;
      const settled = await Promise.allSettled([
        store.put('notes', 'kept', { title: 'overwrite', body: '' }),
        store.put('notes', 'new', { title: 'new', body: '' }),
      ]);
      const codes = settled.map((s) => (s.status === 'rejected' ? (s.reason as OutboxError).code : 'fulfilled'));
      expect(codes).toEqual(['quota-exceeded', 'quota-exceeded']);
      expect(settled[0]?.status === 'rejected' && (settled[0].reason as OutboxError).details).toMatchObject({ count: 2 });
      expect((await store.get('notes', 'kept'))?.value).toEqual({ title: 'before', body: '' });
      expect(await store.get('notes', 'new')).toBeUndefined();
      expect(await storage.transact('readonly', (tx) => tx.countWrites())).toBe(1);
      const error = await rejectionOf(store.put('notes', 'alone', { title: 'x', body: '' }));
      expect(error.cause).toBeInstanceOf(DOMException);
    });
  });
});
