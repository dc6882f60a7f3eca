import { OutboxError } from '../../errors.ts';
import { randomId } from '../../protocol/ids.ts';
import { mapStorageError } from './map-storage-error.ts';
import { createMemoryState, MemoryStorageTx } from './memory-storage-tx.ts';
import type { OutboxStorage, StorageTx } from './outbox-storage.ts';
import type { QuarantineStamp } from './quarantine.ts';

export interface MemoryOutboxStorageOptions {
  /** Clock and ids of quarantined records (quarantine.ts); default `Date.now` and random ids. */
  readonly stamp?: QuarantineStamp | undefined;
}

/**
 * The memory twin of the IndexedDB storage: same contract, no persistence. Used by Node tests,
 * fake-timer tests of the sync loop, and as a fallback where IndexedDB is missing.
 *
 * - Every transaction (readonly too) runs alone, in call order, behind a promise-chain mutex,
 *   so a readonly transaction always sees a consistent snapshot.
 * - A readwrite transaction whose function throws is rolled back from an undo log.
 * - Records are stored and returned as `structuredClone` copies, as IndexedDB does.
 * - Do not call `transact` from inside a transaction's function: it would wait for itself.
 *
 * @example
 * const storage = createMemoryOutboxStorage('test');
 * await storage.transact('readwrite', (tx) => tx.putMeta('clientId', 'abc'));
 */
export function createMemoryOutboxStorage(name = 'memory', options: MemoryOutboxStorageOptions = {}): OutboxStorage {
  const state = createMemoryState();
  const stamp = options.stamp ?? { now: Date.now, newId: () => randomId() };
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run<T>(mode: 'readonly' | 'readwrite', fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    const tx = new MemoryStorageTx(state, mode === 'readwrite', stamp);
    try {
      const result = await fn(tx);
      tx.finish();
      tx.commit();
      return result;
    } catch (error) {
      tx.finish();
      tx.rollback();
      throw mapStorageError(error, { name, operation: 'transact' });
    }
  }

  return {
    name,
    transact<T>(mode: 'readonly' | 'readwrite', fn: (tx: StorageTx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new OutboxError('database-closed', { name, operation: 'transact' }));
      const result = tail.then(() => run(mode, fn));
      tail = result.catch(() => undefined);
      return result;
    },
    /** Like IndexedDB: transactions already started still complete; new ones are refused. */
    close(): void {
      closed = true;
    },
  };
}
