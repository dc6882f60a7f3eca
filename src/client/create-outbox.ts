import { proxy } from 'comlink';
import { syncTagFor } from '../core/runtime/worker-rpc.ts';
import { OutboxError } from '../outbox-error.ts';
import type { JsonValue } from '../protocol/json-value.ts';
import type { SyncStatus } from '../protocol/sync-status.ts';
import { registerErrorTransfer } from '../protocol/error-transfer.ts';
import type { CollectionTypes, CreateOutboxOptions, Outbox } from './outbox.ts';
import { journaledWrites } from './journaled-writes.ts';
import { relayPageSignals } from './page-signals.ts';
import { backgroundSyncOnFailure, registerServiceWorker } from './service-worker-link.ts';
import { StatusHub } from './status-hub.ts';
import { WatchRegistry } from './watch-registry.ts';
import { withTimeout } from './with-timeout.ts';
import { WorkerConnection, type WorkerLike } from './worker-connection.ts';

/** Default timeout of one page→worker call, in ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/**
 * Starts the typed page API over a dedicated worker that runs `startOutboxWorker`.
 *
 * The page bundle holds only this client and Comlink: validation, IndexedDB and sync run
 * in the worker. Every call has a timeout; a dead worker is replaced (given a factory) and
 * the status subscription and watches are renewed on the new one.
 *
 * @example
 * type Cols = { prefs: { theme: 'light' | 'dark' } };
 * const outbox = createOutbox<Cols>({
 *   worker: () => new Worker(new URL('./outbox.worker.ts', import.meta.url), { type: 'module' }),
 *   serviceWorker: { url: '/sw.js', type: 'module' },
 * });
 * await outbox.put('prefs', 'me', { theme: 'dark' });
 * outbox.status.subscribe((s) => render(s.phase, s.pending));
 */
export function createOutbox<Cols extends CollectionTypes>(options: CreateOutboxOptions): Outbox<Cols> {
  registerErrorTransfer();
  const connection = new WorkerConnection(
    options.worker as unknown as WorkerLike | (() => WorkerLike),
    options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
  );
  const refreshAuth = options.refreshAuth;
  if (refreshAuth !== undefined) {
    // Every (re)started worker gets the callback, the first included (so this comes before anything
    // below can start it); the worker asks it after a 401 when it runs sync.
    const refresh = proxy(async () => (await refreshAuth()) ?? null);
    connection.onStart(() => {
      connection.call('setAuthRefresh', (r) => r.setAuthRefresh(refresh)).catch(() => {});
    });
  }
  const status = new StatusHub(connection);
  const watches = new WatchRegistry(connection);
  const stopSignals = relayPageSignals(connection);
  const writes = journaledWrites(connection, options.onJournalError ?? console.error, options.dbName);
  const syncTag = () => connection.call('dbName', async (r) => syncTagFor(await r.dbName()));
  const stopSyncTag = options.serviceWorker ? status.subscribe(backgroundSyncOnFailure(syncTag)) : () => {};
  if (options.serviceWorker) void registerServiceWorker(options.serviceWorker);
  // A restarted worker starts unpaused; repeat the app's last choice.
  let paused = false;
  connection.onStart(() => {
    if (paused) connection.call('setPaused', (r) => r.setPaused(true)).catch(() => {});
  });
  connection.start();

  const c = connection;
  return {
    put: (collection, key, value) => writes.put(collection, key, value as JsonValue),
    delete: (collection, key) => writes.delete(collection, key),
    get: (collection, key) => c.call('get', (r) => r.get(collection, key)) as never,
    list: (collection, opts) => c.call('list', (r) => r.list(collection, opts)) as never,
    watch: (collection, listener, key) => watches.add(collection, listener as never, key),
    clear: (collection, opts) => c.call('clear', (r) => r.clear(collection, opts)),
    flush: (opts) =>
      withTimeout(
        c.call('flush', (r) => r.flush(), true),
        opts?.timeoutMs,
        () => new OutboxError('flush-timeout', { ms: opts?.timeoutMs }),
      ),
    pendingDatabases: (prefix) => c.call('pendingDatabases', (r) => r.pendingDatabases(prefix)),
    whenSynced: (id) => c.call('whenSynced', (r) => r.whenSynced(id), true),
    getStatus: () => c.call('getStatus', (r) => r.getStatus()),
    subscribeStatus: async (listener: (s: SyncStatus) => void) => status.subscribe(listener),
    status,
    listPending: (opts) => c.call('listPending', (r) => r.listPending(opts)),
    discardPending: (id) => c.call('discardPending', (r) => r.discardPending(id)),
    listDeadLetters: () => c.call('listDeadLetters', (r) => r.listDeadLetters()),
    retryDeadLetter: (id, edited) => c.call('retryDeadLetter', (r) => r.retryDeadLetter(id, edited)),
    discardDeadLetter: (id) => c.call('discardDeadLetter', (r) => r.discardDeadLetter(id)),
    listConflicts: () => c.call('listConflicts', (r) => r.listConflicts()),
    dismissConflict: (id) => c.call('dismissConflict', (r) => r.dismissConflict(id)),
    listQuarantined: () => c.call('listQuarantined', (r) => r.listQuarantined()),
    exportData: () => c.call('exportData', (r) => r.exportData()),
    importData: (file) => c.call('importData', (r) => r.importData(file)),
    setAuth: (headers) => c.call('setAuth', (r) => r.setAuth(headers)),
    setOnline: (online) => c.call('setOnline', (r) => r.setOnline(online)),
    setVisible: (visible) => c.call('setVisible', (r) => r.setVisible(visible)),
    setPaused: (value) => {
      paused = value;
      return c.call('setPaused', (r) => r.setPaused(value));
    },
    close: async () => {
      if (c.closed) return;
      stopSignals();
      writes.stop();
      stopSyncTag();
      watches.clear();
      status.stop();
      await c
        .call('close', (r) => r.close())
        .catch(() => {
          // The worker is gone or slow; terminating it below closes its database anyway.
        });
      c.close();
    },
  };
}
