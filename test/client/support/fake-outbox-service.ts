import { OutboxError } from '../../../src/errors.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { DocChange, OutboxApi } from '../../../src/protocol/outbox-api.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../../src/protocol/sync-status.ts';

/** A small in-memory OutboxApi for client tests: real enough to observe calls, no storage or sync. */
export interface FakeOutboxService extends OutboxApi {
  readonly calls: string[];
  readonly statusSubscribers: number;
  publish(status: Partial<SyncStatus>): void;
  /** Makes every pending flush() resolve. */
  ack(): void;
  /** From now on, put() never settles. */
  stall(): void;
}

export function fakeOutboxService(): FakeOutboxService {
  const docs = new Map<string, JsonValue>();
  const statusListeners = new Set<(s: SyncStatus) => void>();
  const watchers = new Set<{ collection: string; listener: (c: DocChange[]) => void }>();
  const flushes: (() => void)[] = [];
  let status: SyncStatus = INITIAL_SYNC_STATUS;
  let stalled = false;
  let seq = 0;
  const calls: string[] = [];
  const unsupported = async (): Promise<never> => {
    throw new OutboxError('invalid-config', { issue: 'not in the fake' });
  };
  const service: FakeOutboxService = {
    calls,
    get statusSubscribers() {
      return statusListeners.size;
    },
    publish(patch) {
      status = { ...status, ...patch };
      for (const l of statusListeners) l(status);
    },
    ack() {
      for (const f of flushes.splice(0)) f();
    },
    stall() {
      stalled = true;
    },
    async put(collection, key, value) {
      calls.push(`put ${collection}/${key}`);
      if (stalled) return new Promise(() => {});
      if (collection !== 'notes') throw new OutboxError('unknown-collection', { collection });
      docs.set(`${collection}/${key}`, value);
      for (const w of watchers)
        if (w.collection === collection)
          w.listener([{ collection, key, op: 'put', value, version: null, pendingWrites: 1, source: 'local' }]);
      seq += 1;
      return { id: seq.toString(16).padStart(32, '0') as WriteId, seq, coalesced: false };
    },
    delete: unsupported,
    async get(collection, key) {
      const value = docs.get(`${collection}/${key}`);
      return value === undefined ? undefined : { key, value, version: null, pendingWrites: 1 };
    },
    list: unsupported,
    async watch(collection, listener) {
      const w = { collection, listener };
      watchers.add(w);
      return () => watchers.delete(w);
    },
    clear: unsupported,
    flush: () => new Promise<void>((resolve) => flushes.push(resolve)),
    whenSynced: unsupported,
    async getStatus() {
      return status;
    },
    async subscribeStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    listPending: unsupported,
    discardPending: unsupported,
    listDeadLetters: unsupported,
    retryDeadLetter: unsupported,
    discardDeadLetter: unsupported,
    listConflicts: unsupported,
    dismissConflict: unsupported,
    listQuarantined: unsupported,
    exportData: unsupported,
    importData: unsupported,
    async setAuth() {},
    async setOnline(online) {
      calls.push(`setOnline ${online}`);
    },
    async setVisible(visible) {
      calls.push(`setVisible ${visible}`);
    },
    async setPaused(paused) {
      calls.push(`setPaused ${paused}`);
    },
    async close() {
      calls.push('close');
    },
  };
  return service;
}
