import { randomId } from '../../protocol/ids.ts';
import type { Collection } from '../docs/define-collection.ts';
import { LocalStore } from '../docs/local-store.ts';
import { takeOverLeases } from '../queue/take-over-leases.ts';
import { isHeadersOrNull } from '../storage/meta-guards.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { createFetchTransport } from '../sync/fetch-transport.ts';
import { SyncLoop } from '../sync/sync-loop.ts';
import type { SyncPolicy } from '../sync/sync-policy.ts';
import { authRefresher, type RefreshAuth } from './auth-refresher.ts';
import { toDocStorePort } from './doc-store-port.ts';
import type { AuthPort, DocStorePort } from './runtime-ports.ts';

/** Meta key of the auth headers stored by `setAuth` (read by the transport in every context). */
export const AUTH_META_KEY = 'auth';

/** Timers as `setTimeout`/`clearTimeout` (the globals fit; tests pass fakes). */
export interface CoreTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The world the core runs in; the worker and the service worker pass the real globals. */
export interface OutboxCoreOptions {
  readonly storage: OutboxStorage;
  readonly collections: readonly Collection[];
  /** Sync server root, e.g. `https://sync.example.com` (no `/v1`). */
  readonly serverUrl: string;
  readonly fetch: typeof fetch;
  readonly clock: { now(): number };
  readonly timers: CoreTimers;
  /** Uniform in [0, 1), for backoff jitter. */
  readonly random: () => number;
  readonly policy?: Partial<SyncPolicy> | undefined;
  /** Per-request timeout in ms (default: the transport's). */
  readonly requestTimeoutMs?: number | undefined;
  /** Whether a page is visible at start (interval pulls run only while one is). */
  readonly visible?: boolean | undefined;
}

/** The pieces the outbox service (and the service worker's drain) are built from. */
export interface OutboxCore {
  readonly local: LocalStore;
  readonly store: DocStorePort;
  readonly auth: AuthPort;
  /**
   * A new sync loop over the same store, its status seeded with the stored counts. Call it only
   * on acquiring the sync lock: it first takes over the leases a dead runner left (see
   * {@link takeOverLeases}). `refreshAuth`, when given, is asked for new headers after a 401.
   */
  createRunner(options?: { readonly refreshAuth?: RefreshAuth | undefined }): Promise<SyncLoop>;
}

/**
 * Composes the core over one storage: the local store, the port the service uses, the auth
 * headers kept in meta (so the service worker sends the same credentials as the tabs), and a
 * factory for the sync loop with a fetch transport. Environment-agnostic: every global is injected.
 */
export async function openOutboxCore(o: OutboxCoreOptions): Promise<OutboxCore> {
  const newId = (): string => randomId();
  const local = await LocalStore.open({ storage: o.storage, collections: o.collections, clock: o.clock, randomId: newId });
  const readAuth = async (): Promise<Record<string, string>> =>
    (await o.storage.transact('readonly', (tx) => tx.getMeta(AUTH_META_KEY, isHeadersOrNull))) ?? {};
  const transport = createFetchTransport({
    baseUrl: o.serverUrl,
    fetch: o.fetch,
    timeoutMs: o.requestTimeoutMs,
    headers: readAuth,
    now: () => o.clock.now(),
  });
  const store = toDocStorePort(local, newId, () => o.clock.now());
  return {
    local,
    store,
    auth: {
      set: (headers) => o.storage.transact('readwrite', (tx) => tx.putMeta(AUTH_META_KEY, headers)),
    },
    async createRunner(options = {}) {
      await takeOverLeases(o.storage);
      const refreshAuth = options.refreshAuth;
      const loop = new SyncLoop({
        storage: o.storage,
        store: local,
        transport,
        clock: o.clock,
        timers: o.timers,
        random: o.random,
        newId,
        policy: o.policy,
        visible: o.visible,
        auth:
          refreshAuth === undefined
            ? undefined
            : authRefresher(refreshAuth, { storage: o.storage, timers: o.timers, metaKey: AUTH_META_KEY }),
      });
      // Until its first pass the loop knows no counts; without this, subscribers would see "0 pending".
      const counts = await store.localStatus();
      loop.status.publish({ ...loop.status.current, ...counts, at: o.clock.now() });
      return loop;
    },
  };
}
