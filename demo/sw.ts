/// <reference lib="webworker" />
// The demo's service worker: precaches the app shell (deep links fall back to index.html offline)
// and drains the outbox on Background Sync when a push failed, even with every tab closed.
import { precacheAppShell } from '../sw/precache-app-shell.ts';
import { registerOutboxSync } from '../sw/register-outbox-sync.ts';
import { demoCollections } from './src/collections.ts';
import { DEMO_SYNC_POLICY } from './src/sync-policy.ts';

declare const self: { readonly __WB_MANIFEST: Parameters<typeof precacheAppShell>[0]; readonly location: Location };

precacheAppShell(self.__WB_MANIFEST, { navigationFallback: '/index.html', denylist: [/^\/v1\//] });
registerOutboxSync({ collections: demoCollections, serverUrl: self.location.origin, policy: DEMO_SYNC_POLICY });
