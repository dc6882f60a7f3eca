import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, type PrecacheEntry, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

export interface PrecacheAppShellOptions {
  /** The page every navigation falls back to, so deep links open offline (default '/index.html'). */
  readonly navigationFallback?: string | undefined;
  /** Navigations that must go to the network (e.g. `[/^\/v1\//]`). */
  readonly denylist?: RegExp[] | undefined;
  /** Take control of open pages at once (skipWaiting + clientsClaim). Default true. */
  readonly claim?: boolean | undefined;
}

/**
 * Serves the app shell offline: precaches the build's manifest, drops caches of older
 * builds, and answers every navigation (deep links included) with the fallback page.
 * Without the navigation route an offline deep link fails (see BROWSER-TESTING.md a).
 *
 * @example
 * precacheAppShell(self.__WB_MANIFEST, { navigationFallback: '/index.html' });
 */
export function precacheAppShell(manifest: (PrecacheEntry | string)[], options: PrecacheAppShellOptions = {}): void {
  if (options.claim ?? true) {
    void self.skipWaiting();
    clientsClaim();
  }
  cleanupOutdatedCaches();
  precacheAndRoute(manifest);
  const fallback = options.navigationFallback ?? '/index.html';
  registerRoute(new NavigationRoute(createHandlerBoundToURL(fallback), { denylist: options.denylist ?? [] }));
}
