import type { SyncStatus } from '../protocol/sync-status.ts';

/** `ServiceWorkerRegistration.sync` (Background Sync); absent from TypeScript's DOM lib and from Safari/Firefox. */
interface WithSync {
  readonly sync?: { register(tag: string): Promise<void> } | undefined;
}

/**
 * Registers the app's service worker with workbox-window, loaded on demand so pages without
 * a service worker do not pay for it. Resolves undefined (with a console warning) when the
 * browser has no service workers or registration fails: the app still works, online only for the shell.
 */
export async function registerServiceWorker(options: {
  readonly url: string;
  readonly type?: 'module' | 'classic' | undefined;
}): Promise<ServiceWorkerRegistration | undefined> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return undefined;
  try {
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox(options.url, { type: options.type ?? 'classic' });
    return await wb.register();
  } catch (error) {
    console.warn('Outbox: the service worker could not be registered', error);
    return undefined;
  }
}

/**
 * Returns a status listener that registers the Background Sync tag of this outbox's database
 * (`outbox-sync` or `outbox-sync:<db>`, from `tag()`) once per episode of "writes pending and
 * the last push failed", so the browser wakes the service worker when connectivity returns even
 * if every tab is closed by then. Done from the page because `navigator.serviceWorker` is not
 * available in dedicated workers in every browser.
 * Where Background Sync is missing it does nothing: pages drain on start, online, visibility and timers.
 */
export function backgroundSyncOnFailure(tag: () => Promise<string>): (status: SyncStatus) => void {
  let registered = false;
  return (status) => {
    const failing = status.pending > 0 && status.lastError !== null;
    if (!failing) {
      registered = false;
      return;
    }
    if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    registered = true;
    Promise.all([navigator.serviceWorker.getRegistration(), tag()])
      .then(([registration, name]) => (registration as (ServiceWorkerRegistration & WithSync) | undefined)?.sync?.register(name))
      .catch(() => {
        // Permission denied, no service worker or the worker is restarting: the page-side triggers still drain.
        registered = false;
      });
  };
}
