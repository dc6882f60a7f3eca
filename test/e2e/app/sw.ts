/// <reference lib="webworker" />
// The e2e app's service worker: app shell precache (deep links fall back to index.html) and
// the Background Sync drain. Each pass is recorded in the Cache API so tests can see it.
import { precacheAppShell } from '../../../sw/precache-app-shell.ts';
import { registerOutboxSync } from '../../../sw/register-outbox-sync.ts';
import { appPolicy } from './app-policy.ts';
import { collections } from './collections.ts';

declare const self: ServiceWorkerGlobalScope & { readonly __WB_MANIFEST: Parameters<typeof precacheAppShell>[0] };

precacheAppShell(self.__WB_MANIFEST, { navigationFallback: '/index.html', denylist: [/^\/v1\//] });
registerOutboxSync({
  collections,
  serverUrl: self.location.origin,
  policy: appPolicy,
  onDrain(db, outcome, error) {
    const entry = { db, at: Date.now(), outcome: outcome ?? null, error: error instanceof Error ? error.message : null };
    void self.caches
      .open('e2e-sync-log')
      .then((cache) => cache.put(`/sync-log/${entry.at}-${Math.random()}`, Response.json(entry)));
  },
});
