import { type CollectionList, collectionList } from '../src/core/runtime/collection-list.ts';
import { OutboxService } from '../src/core/outbox-service.ts';
import { openOutboxCore } from '../src/core/runtime/open-outbox-core.ts';
import type { ChannelPort, LockPort } from '../src/core/runtime/runtime-ports.ts';
import { DEFAULT_DB_NAME } from '../src/core/runtime/worker-rpc.ts';
import { openIdbOutboxStorage } from '../src/core/storage/idb-outbox-storage.ts';
import type { SyncPolicy } from '../src/core/sync/sync-policy.ts';
import { deferredApi } from './deferred-api.ts';
import { exposeOutbox } from './expose-outbox.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Options of {@link startOutboxWorker}. */
export interface OutboxWorkerOptions {
  /** The app's collections, as a list or a record by name. */
  readonly collections: CollectionList;
  /** Sync server root, e.g. `self.location.origin` (no `/v1`). */
  readonly serverUrl: string;
  /** IndexedDB database name, one per user; default 'outbox'. */
  readonly dbName?: string | undefined;
  readonly policy?: Partial<SyncPolicy> | undefined;
  /** How long one request to the server may take before it counts as failed (ms); default 30 s. */
  readonly requestTimeoutMs?: number | undefined;
}

/**
 * The dedicated worker's entry: builds the core over IndexedDB, fetch, Web Locks,
 * BroadcastChannel and the real clock, and exposes it to the page over Comlink. Exposed at
 * once (calls wait for the database to open), so no message from the page is lost.
 *
 * @example
 * // outbox.worker.ts
 * import { startOutboxWorker } from 'outbox/worker';
 * startOutboxWorker({ collections: [prefs, messages], serverUrl: self.location.origin });
 */
export function startOutboxWorker(options: OutboxWorkerOptions): Promise<OutboxService> {
  const dbName = options.dbName || DEFAULT_DB_NAME;
  const service = (async () => {
    const storage = await openIdbOutboxStorage(dbName);
    const core = await openOutboxCore({
      storage,
      collections: collectionList(options.collections),
      serverUrl: options.serverUrl,
      fetch: self.fetch.bind(self),
      clock: Date,
      timers: { setTimeout: (fn, ms) => self.setTimeout(fn, ms), clearTimeout: (h) => self.clearTimeout(h as number) },
      random: Math.random,
      policy: options.policy,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    return OutboxService.open({
      dbName,
      store: core.store,
      createRunner: (runner) => core.createRunner(runner),
      auth: core.auth,
      locks: self.navigator.locks as unknown as LockPort,
      openChannel: (name) => new BroadcastChannel(name) as unknown as ChannelPort,
      now: Date.now,
    });
  })();
  exposeOutbox(deferredApi(service), undefined, dbName);
  return service;
}
