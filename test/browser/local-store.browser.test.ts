import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../src/core/docs/local-store.ts';
import { openIdbOutboxStorage } from '../../src/core/storage/idb-outbox-storage.ts';
import type { OutboxError } from '../../src/errors.ts';
import { overrideTx, wrapStorage } from '../contracts/wrap-storage.ts';

const prefs = defineCollection({ name: 'prefs', schema: z.object({ n: z.number() }) });
const events = defineCollection({ name: 'events', kind: 'append', schema: z.object({ n: z.number() }) });
const freshName = () => `store-${Math.random().toString(36).slice(2)}`;

describe('LocalStore on real IndexedDB (Chromium)', () => {
  test('1,000 concurrent puts share a few transactions and keep their order', async () => {
    const storage = await openIdbOutboxStorage(freshName());
    let transactions = 0;
    const store = await LocalStore.open({
      storage: wrapStorage(storage, { onTransact: (mode) => mode === 'readwrite' && transactions++ }),
      collections: [events],
    });
    transactions = 0;
    const receipts = await Promise.all(Array.from({ length: 1000 }, (_, n) => store.put('events', `e${n}`, { n })));
    expect(transactions).toBeLessThan(10);
    const writes = await storage.transact('readonly', (tx) => tx.listWrites(0, 2000));
    expect(writes.map((w) => w.seq)).toEqual(receipts.map((r) => r.seq));
    expect(writes.map((w) => w.value)).toEqual(Array.from({ length: 1000 }, (_, n) => ({ n })));
    storage.close();
  });

  test('1,000 edits of one document become one pending write', async () => {
    const storage = await openIdbOutboxStorage(freshName());
    const store = await LocalStore.open({ storage, collections: [prefs] });
    await Promise.all(Array.from({ length: 1000 }, (_, n) => store.put('prefs', 'me', { n })));
    expect(await store.get('prefs', 'me')).toEqual({ key: 'me', value: { n: 999 }, version: null, pendingWrites: 1 });
    storage.close();
  });

  test('a QuotaExceededError inside the transaction rejects the group with quota-exceeded and keeps earlier writes', async () => {
    const storage = await openIdbOutboxStorage(freshName());
    let full = false;
    const store = await LocalStore.open({
      storage: wrapStorage(storage, {
        wrapTx: (tx) =>
          overrideTx(tx, {
            appendWrites: async (writes) => {
              if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
              return tx.appendWrites(writes);
            },
          }),
      }),
      collections: [events],
    });
    await store.put('events', 'kept', { n: 1 });
    full = true;
    const settled = await Promise.allSettled([store.put('events', 'a', { n: 2 }), store.put('events', 'b', { n: 3 })]);
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as OutboxError).code)).toEqual([
      'quota-exceeded',
      'quota-exceeded',
    ]);
    const state = await storage.transact('readonly', async (tx) => [await tx.countWrites(), await tx.countDocs('events')]);
    expect(state).toEqual([1, 1]);
    storage.close();
  });
});
