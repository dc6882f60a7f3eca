// The e2e app's page: starts the outbox and hands it to the tests on `window.app`.
import { createOutbox, isOutboxError, OutboxError, type SyncStatus } from '../../../src/index.ts';
import { installDevtoolsHook } from '../../../src/devtools/install-devtools-hook.ts';
import type { AppDocs } from './collections.ts';

const params = new URLSearchParams(location.search);
const db = params.get('db') ?? 'outbox';
const outbox = createOutbox<AppDocs>({
  worker: () => new Worker(new URL('./outbox.worker.ts', import.meta.url), { type: 'module', name: db }),
  serviceWorker: params.get('sw') === 'off' ? false : { url: '/sw.js', type: 'module' },
  callTimeoutMs: 5_000,
  dbName: db,
  // Tests answer the outbox's refresh after a 401 by exposing `outboxRefreshAuth` (page.exposeFunction).
  refreshAuth: async () => (window.outboxRefreshAuth === undefined ? null : window.outboxRefreshAuth()),
});

/** Every status snapshot this page saw, in order. */
const statusLog: SyncStatus[] = [];
const statusOut = document.querySelector('#status');
outbox.status.subscribe((s) => {
  statusLog.push(s);
  if (statusOut) statusOut.textContent = `${s.phase} pending=${s.pending}`;
});
const route = document.querySelector('#route');
if (route) route.textContent = location.pathname;

declare global {
  interface Window {
    outboxRefreshAuth?: (() => Promise<Record<string, string> | null>) | undefined;
    app: {
      outbox: typeof outbox;
      statusLog: SyncStatus[];
      db: string;
      OutboxError: typeof OutboxError;
      isOutboxError: typeof isOutboxError;
    };
  }
}
window.app = { outbox, statusLog, db, OutboxError, isOutboxError };
// The DevTools panel (manifest.json, extension/) reads the queue through this hook.
installDevtoolsHook(outbox, db);
document.documentElement.dataset.ready = 'true';
