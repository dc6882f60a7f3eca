/// <reference lib="webworker" />
// The demo's service worker: precaches the app shell (deep links fall back to index.html offline).
import { precacheAppShell } from '../sw/precache-app-shell.ts';

declare const self: { readonly __WB_MANIFEST: Parameters<typeof precacheAppShell>[0] };

precacheAppShell(self.__WB_MANIFEST, { navigationFallback: '/index.html', denylist: [/^\/v1\//] });
