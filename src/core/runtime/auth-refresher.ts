import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { CoreTimers } from './open-outbox-core.ts';

/** Default most time the app's refresh callback may take before the loop gives up on it, in milliseconds. */
export const DEFAULT_AUTH_REFRESH_TIMEOUT_MS = 30_000;

/**
 * The app's refresh callback as the runner reaches it (in the worker: the page's `refreshAuth`
 * through Comlink). Resolves new headers, or null/undefined when there are none (no callback,
 * the user must sign in again).
 */
export type RefreshAuth = () => Promise<Record<string, string> | null | undefined>;

export interface AuthRefresherOptions {
  readonly storage: OutboxStorage;
  readonly timers: CoreTimers;
  /** Where `setAuth` keeps the headers (the transport reads them there before each request). */
  readonly metaKey: string;
  readonly timeoutMs?: number | undefined;
}

/**
 * The sync loop's `auth.refresh()` over an app callback: asks it for new headers once, stores
 * them where every context's transport reads them (so the other tabs and the service worker
 * send them too), and resolves whether the request should be repeated. A callback that throws,
 * answers nothing or takes longer than the timeout (its page may be gone) resolves false, and
 * the loop goes on to `auth-required`.
 */
export function authRefresher(refresh: RefreshAuth, o: AuthRefresherOptions): { refresh(): Promise<boolean> } {
  return {
    async refresh() {
      let timer: unknown;
      const timedOut = new Promise<undefined>((resolve) => {
        timer = o.timers.setTimeout(() => resolve(undefined), o.timeoutMs ?? DEFAULT_AUTH_REFRESH_TIMEOUT_MS);
      });
      try {
        const headers = await Promise.race([refresh().catch(() => undefined), timedOut]);
        if (headers === null || headers === undefined) return false;
        await o.storage.transact('readwrite', (tx) => tx.putMeta(o.metaKey, headers));
        return true;
      } finally {
        o.timers.clearTimeout(timer);
      }
    },
  };
}
