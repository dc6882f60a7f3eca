import { afterEach, describe, expect, test } from 'vitest';
import { openIdbOutboxStorage, WRITE_DURABILITY } from '../../src/core/storage/idb-outbox-storage.ts';

/** Every transaction Chromium's IndexedDB opened while the spy was on: its mode and the durability it reports. */
function spyOnTransactions(): { seen: { mode: IDBTransactionMode; durability: IDBTransactionDurability }[]; stop(): void } {
  const original = IDBDatabase.prototype.transaction;
  const seen: { mode: IDBTransactionMode; durability: IDBTransactionDurability }[] = [];
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = original.apply(this, args);
    seen.push({ mode: tx.mode, durability: tx.durability });
    return tx;
  };
  return {
    seen,
    stop: () => {
      IDBDatabase.prototype.transaction = original;
    },
  };
}

let stop = (): void => {};
afterEach(() => stop());

describe('IndexedDB storage durability (Chromium)', () => {
  test("commits every readwrite transaction with durability 'strict', as the README promises", async () => {
    expect(WRITE_DURABILITY).toBe('strict');
    const storage = await openIdbOutboxStorage(`durability-${Math.random()}`);
    const spy = spyOnTransactions();
    stop = spy.stop;
    await storage.transact('readwrite', (tx) => tx.putMeta('probe', 1));
    await storage.transact('readonly', (tx) => tx.getMeta('probe'));
    spy.stop();
    storage.close();
    const writes = spy.seen.filter((t) => t.mode === 'readwrite');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.map((t) => t.durability)).toEqual(writes.map(() => 'strict'));
  });
});
