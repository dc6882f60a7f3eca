import { type Endpoint, expose, proxy, type Remote, releaseProxy } from 'comlink';
import type { RefreshAuth } from '../src/core/runtime/auth-refresher.ts';
import { listPendingDatabases } from '../src/core/runtime/list-pending-databases.ts';
import { replayJournal } from '../src/core/runtime/replay-journal.ts';
import { DEFAULT_DB_NAME, type WorkerRpc } from '../src/core/runtime/worker-rpc.ts';
import { openIdbOutboxStorage } from '../src/core/storage/idb-outbox-storage.ts';
import { registerErrorTransfer } from '../src/protocol/error-transfer.ts';
import type { DocChange, OutboxApi, Unsubscribe } from '../src/protocol/outbox-api.ts';
import type { SyncStatus } from '../src/protocol/sync-status.ts';

/** Calls a page listener (a Comlink proxy) without letting a page-side failure reject in the worker. */
function relay<T>(listener: (value: T) => void): (value: T) => void {
  return (value) => {
    Promise.resolve(listener(value)).catch(() => {
      // The page's listener threw or its port is gone; the page owns that error.
    });
  };
}

/** Wraps a service's unsubscribe so the page can call it through Comlink and the listener's port is released. */
function remoteUnsubscribe(unsubscribe: Unsubscribe, listener: unknown): Unsubscribe {
  return proxy(() => {
    unsubscribe();
    (listener as Partial<Remote<() => void>>)[releaseProxy]?.();
  });
}

/** A service that can also ask its page for new auth headers (`OutboxService` can). */
type ServiceWithRefresh = OutboxApi & { setAuthRefresh?(refresh: RefreshAuth | null): Promise<void> };

/**
 * Adapts an {@link OutboxApi} for Comlink: callbacks arrive as proxies, unsubscribe
 * functions leave as proxies, and `ping` answers the page's liveness probe.
 */
export function toWorkerRpc(service: ServiceWithRefresh, dbName: string = DEFAULT_DB_NAME): WorkerRpc {
  let refreshProxy: unknown;
  const rpc: WorkerRpc = {
    put: (c, k, v, o) => service.put(c, k, v, o),
    delete: (c, k, o) => service.delete(c, k, o),
    get: (c, k) => service.get(c, k),
    list: (c, o) => service.list(c, o),
    watch: async (c, listener: (changes: DocChange[]) => void, key) =>
      remoteUnsubscribe(await service.watch(c, relay(listener), key), listener),
    clear: (c, o) => service.clear(c, o),
    flush: () => service.flush(),
    whenSynced: (id) => service.whenSynced(id),
    getStatus: () => service.getStatus(),
    subscribeStatus: async (listener: (status: SyncStatus) => void) =>
      remoteUnsubscribe(await service.subscribeStatus(relay(listener)), listener),
    listPending: (o) => service.listPending(o),
    discardPending: (id) => service.discardPending(id),
    listDeadLetters: () => service.listDeadLetters(),
    retryDeadLetter: (id, edited) => service.retryDeadLetter(id, edited),
    discardDeadLetter: (id) => service.discardDeadLetter(id),
    listConflicts: () => service.listConflicts(),
    dismissConflict: (id) => service.dismissConflict(id),
    listQuarantined: () => service.listQuarantined(),
    exportData: () => service.exportData(),
    importData: (file) => service.importData(file),
    setAuth: (headers) => service.setAuth(headers),
    setOnline: (online) => service.setOnline(online),
    setVisible: (visible) => service.setVisible(visible),
    setPaused: (paused) => service.setPaused(paused),
    close: () => service.close(),
    setAuthRefresh: async (refresh) => {
      (refreshProxy as Partial<Remote<() => void>> | undefined)?.[releaseProxy]?.();
      refreshProxy = refresh ?? undefined;
      await service.setAuthRefresh?.(refresh === null ? null : async () => (await refresh()) ?? null);
    },
    pendingDatabases: (prefix) =>
      listPendingDatabases(prefix, {
        databases: () => indexedDB.databases(),
        openStorage: (name) => openIdbOutboxStorage(name),
      }),
    ping: async () => 'pong',
    dbName: async () => dbName,
    replayJournal: (journal) => replayJournal(service, journal),
  };
  return rpc;
}

/** Exposes `service` (serving database `dbName`) to the page over Comlink on `endpoint` (the worker's global scope by default). */
export function exposeOutbox(service: ServiceWithRefresh, endpoint?: Endpoint, dbName?: string): void {
  registerErrorTransfer();
  expose(toWorkerRpc(service, dbName), endpoint);
}
