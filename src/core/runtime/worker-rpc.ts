import type { OutboxApi } from '../../protocol/outbox-api.ts';
import type { ReplayReport } from './replay-journal.ts';
import type { RefreshAuth } from './auth-refresher.ts';
import type { PendingDatabase } from './list-pending-databases.ts';

/**
 * What the dedicated worker exposes over Comlink: the {@link OutboxApi} plus a cheap
 * liveness probe the page client uses after a call times out.
 *
 * Callbacks (`watch`, `subscribeStatus` listeners) arrive as Comlink proxies and the
 * returned `Unsubscribe` goes back as a Comlink proxy; the worker wiring handles both.
 */
export interface WorkerRpc extends OutboxApi {
  /** Answers at once; proves the worker's event loop is alive. */
  ping(): Promise<'pong'>;
  /** The database this worker serves (the page registers the Background Sync tag for it). */
  dbName(): Promise<string>;
  /** Replays the page's journal (its localStorage text) of writes it never heard commit; see `replayJournal`. */
  replayJournal(journal: string): Promise<ReplayReport>;
  /** The page's `refreshAuth` (a Comlink proxy), asked for new headers after a 401; null: none. */
  setAuthRefresh(refresh: RefreshAuth | null): Promise<void>;
  /** The outbox databases on this device named `<prefix>…` that hold unsynced writes (see `listPendingDatabases`). */
  pendingDatabases(prefix: string): Promise<PendingDatabase[]>;
}

/** Database name when the app names none. */
export const DEFAULT_DB_NAME = 'outbox';

/** The Background Sync tag the page registers and the service worker listens for. */
export const OUTBOX_SYNC_TAG = 'outbox-sync';

/**
 * The Background Sync tag for database `db`: `outbox-sync` for the default database,
 * `outbox-sync:<db>` otherwise, so that a service worker knows which database to drain
 * even when the app keeps one database per user.
 */
export const syncTagFor = (db: string, tag: string = OUTBOX_SYNC_TAG): string => (db === DEFAULT_DB_NAME ? tag : `${tag}:${db}`);

/** The database a sync tag names (see {@link syncTagFor}); undefined when the tag is not ours. */
export function dbForSyncTag(eventTag: string, tag: string = OUTBOX_SYNC_TAG): string | undefined {
  if (eventTag === tag) return DEFAULT_DB_NAME;
  return eventTag.startsWith(`${tag}:`) && eventTag.length > tag.length + 1 ? eventTag.slice(tag.length + 1) : undefined;
}

/** Name of the Web Lock whose holder runs the sync loop for database `db`. */
export const syncLockName = (db: string): string => `outbox:sync:${db}`;

/** Name of the BroadcastChannel shared by every tab's worker and the service worker for database `db`. */
export const channelName = (db: string): string => `outbox:${db}`;
