import type { WriteId } from '../../protocol/ids.ts';
import type { Unsubscribe } from '../../protocol/outbox-api.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { LocalStore } from '../docs/local-store.ts';
import * as conflictOps from '../queue/conflicts.ts';
import * as deadLetterOps from '../queue/dead-letters.ts';
import { readCounts } from '../queue/read-counts.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { DocStorePort } from './runtime-ports.ts';

/** Default page of `listPending`. */
const DEFAULT_PENDING_LIMIT = 100;
/** Page size when scanning the outbox in seq order. */
const SCAN_PAGE = 500;

/**
 * Adapts a {@link LocalStore} (documents + outbox) and the queue's dead-letter and conflict
 * operations to the {@link DocStorePort} the outbox service uses. Works the same in a tab
 * that runs the sync loop and in one that does not: operations go straight to storage, and
 * anything that changes the outbox or its counts fires `onWritesCommitted`, which the service
 * turns into a kick (the runner then pushes and refreshes the status counts).
 */
export function toDocStorePort(store: LocalStore, newId: () => string, now: () => number): DocStorePort {
  const storage = store.storage;
  const changed = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...changed]) listener();
  };
  const stopStore = store.onWritesCommitted(notify);
  return {
    put: (c, k, v, o) => store.put(c, k, v, o),
    delete: (c, k, o) => store.delete(c, k, o),
    get: (c, k) => store.get(c, k),
    list: (c, o) => store.list(c, o),
    watch: (c, listener, key) => store.watch(c, listener, key),
    onChanges: (listener) => store.onChanges(listener),
    relayChanges: (changes) => store.relayChanges(changes),
    watchElsewhere: (collections) => store.watchElsewhere(collections),
    clear: (c, o) => store.clear(c, o).finally(notify),
    exportData: () => store.exportData(),
    importData: (file) => store.importData(file),
    listPending: (o) => listPending(storage, o?.limit ?? DEFAULT_PENDING_LIMIT),
    async discardPending(id) {
      const { change } = await deadLetterOps.discardPending(storage, id, now());
      store.emitChanges([change]);
      notify();
    },
    listDeadLetters: () => deadLetterOps.listDeadLetters(storage),
    async retryDeadLetter(id, edited) {
      const ctx = { now: now(), newId, collection: (name: string) => tryCollection(store, name) };
      const { receipt, change } = await deadLetterOps.retryDeadLetter(storage, id, edited, ctx);
      store.emitChanges([change]);
      notify();
      return receipt;
    },
    async discardDeadLetter(id) {
      await deadLetterOps.discardDeadLetter(storage, id);
      notify();
    },
    listConflicts: () => conflictOps.listConflicts(storage),
    listQuarantined: () => storage.transact('readonly', (tx) => tx.listQuarantined()),
    async dismissConflict(id) {
      await conflictOps.dismissConflict(storage, id);
      notify();
    },
    onWritesCommitted(listener): Unsubscribe {
      changed.add(listener);
      return () => {
        changed.delete(listener);
      };
    },
    localStatus: () => readCounts(storage),
    hasPendingWrite: (id: WriteId) => storage.transact('readonly', async (tx) => (await tx.getWriteById(id)) !== undefined),
    lastPendingSeq: () =>
      storage.transact('readonly', (tx) => scanOutbox(tx.listWrites.bind(tx), () => true).then((s) => s.last)),
    firstPendingSeq: (afterSeq) => storage.transact('readonly', async (tx) => (await tx.listWrites(afterSeq, 1))[0]?.seq),
    isDeadLettered: (id: WriteId) => storage.transact('readonly', async (tx) => (await tx.getDeadLetter(id)) !== undefined),
    close() {
      stopStore();
      changed.clear();
      void store.close().catch(() => {
        // Already closed, or the database went away; nothing left to flush.
      });
    },
  };
}

function listPending(storage: OutboxStorage, limit: number): Promise<PendingWrite[]> {
  return storage.transact('readonly', (tx) => tx.listWrites(0, Math.max(1, Math.min(limit, 10_000))));
}

/**
 * Walks the outbox oldest first while `keep` holds, counting the writes it keeps. Writes are
 * in seq order, so "seq ≤ n" stops at the first newer write instead of reading the whole outbox.
 */
async function scanOutbox(
  listWrites: (afterSeq: number, limit: number) => Promise<PendingWrite[]>,
  keep: (write: PendingWrite) => boolean,
): Promise<{ count: number; last: number }> {
  let count = 0;
  let last = 0;
  for (;;) {
    const page = await listWrites(last, SCAN_PAGE);
    for (const write of page) {
      if (!keep(write)) return { count, last };
      count += 1;
      last = write.seq;
    }
    if (page.length < SCAN_PAGE) return { count, last };
  }
}

function tryCollection(store: LocalStore, name: string) {
  try {
    return store.collection(name);
  } catch {
    return undefined;
  }
}
