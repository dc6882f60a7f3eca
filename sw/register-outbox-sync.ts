import { type CollectionList, collectionList } from '../src/core/runtime/collection-list.ts';
import { type DrainOutcome, drainOutboxOrThrow } from '../src/core/runtime/drain-outbox.ts';
import type { ChannelPort, LockPort } from '../src/core/runtime/runtime-ports.ts';
import { dbForSyncTag, OUTBOX_SYNC_TAG } from '../src/core/runtime/worker-rpc.ts';
import { openIdbOutboxStorage } from '../src/core/storage/idb-outbox-storage.ts';
import type { SyncPolicy } from '../src/core/sync/sync-policy.ts';

declare const self: ServiceWorkerGlobalScope;

/** The Background Sync event (absent from TypeScript's WebWorker lib). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

/** Options of {@link registerOutboxSync}; the same collections and server as the app's worker. */
export interface RegisterOutboxSyncOptions {
  /** The app's collections, as a list or a record by name. */
  readonly collections: CollectionList;
  /** Sync server root, e.g. `self.location.origin` (no `/v1`). */
  readonly serverUrl: string;
  /** Base tag (default `outbox-sync`); `<tag>:<db>` names a database other than the default. */
  readonly tag?: string | undefined;
  readonly policy?: Partial<SyncPolicy> | undefined;
  /** Called after each pass (for logs or tests); `error` when it rejected. */
  readonly onDrain?: ((db: string, outcome: DrainOutcome | undefined, error?: unknown) => void) | undefined;
}

/**
 * Drains the outbox when Background Sync fires. The page registers `outbox-sync` (default
 * database) or `outbox-sync:<db>` (any other, e.g. one per user) when a push failed with
 * writes pending; on that event this handler takes the database's sync lock if it is free and
 * pushes once with the same core the tabs run, or kicks the tab whose worker holds the lock.
 * If writes remain, `waitUntil` rejects (`sync-incomplete`) and the browser retries later.
 *
 * Where Background Sync does not exist (Safari, Firefox) this never fires; the pages drain
 * instead on start, on `online`, when they become visible and on the retry timer.
 *
 * @example
 * // sw.ts
 * precacheAppShell(self.__WB_MANIFEST);
 * registerOutboxSync({ collections: [prefs, messages], serverUrl: self.location.origin });
 */
export function registerOutboxSync(options: RegisterOutboxSyncOptions): void {
  self.addEventListener('sync', (event) => {
    const sync = event as SyncEvent;
    const db = dbForSyncTag(sync.tag, options.tag ?? OUTBOX_SYNC_TAG);
    if (db === undefined) return;
    sync.waitUntil(drain(db, options));
  });
}

async function drain(db: string, o: RegisterOutboxSyncOptions): Promise<void> {
  try {
    const outcome = await drainOutboxOrThrow({
      dbName: db,
      collections: collectionList(o.collections),
      serverUrl: o.serverUrl,
      policy: o.policy,
      openStorage: (name) => openIdbOutboxStorage(name),
      fetch: self.fetch.bind(self),
      clock: Date,
      timers: { setTimeout: (fn, ms) => self.setTimeout(fn, ms), clearTimeout: (h) => self.clearTimeout(h as number) },
      random: Math.random,
      locks: self.navigator.locks as unknown as LockPort,
      openChannel: (name) => new BroadcastChannel(name) as unknown as ChannelPort,
      visible: false,
    });
    o.onDrain?.(db, outcome);
  } catch (error) {
    o.onDrain?.(db, undefined, error);
    throw error;
  }
}
