import type { PendingDatabase } from '../core/runtime/list-pending-databases.ts';
import type { ConflictRecord } from '../protocol/conflict-record.ts';
import type { DeadLetter } from '../protocol/dead-letter.ts';
import type { WriteId } from '../protocol/ids.ts';
import type { JsonValue } from '../protocol/json-value.ts';
import type {
  ClearResult,
  DocChange,
  DocSnapshot,
  ImportReport,
  ListOptions,
  ListPage,
  Unsubscribe,
  WriteReceipt,
} from '../protocol/outbox-api.ts';
import type { PendingWrite } from '../protocol/pending-write.ts';
import type { QuarantinedRecord } from '../protocol/quarantined-record.ts';
import type { SyncStatus } from '../protocol/sync-status.ts';
import type { OutboxError } from '../outbox-error.ts';

/** The document types of an app, by collection name, e.g. `{ prefs: Prefs; messages: Message }`. */
export type CollectionTypes = Record<string, JsonValue>;

/** A collection name of `Cols`. */
export type CollectionName<Cols extends CollectionTypes> = keyof Cols & string;

/** The page's view of sync status: the latest snapshot, kept current by one worker subscription. */
export interface StatusView {
  /** The latest snapshot (the initial one until the worker has answered). */
  get(): SyncStatus;
  /** Calls `listener` at once with the current snapshot and with every change after. */
  subscribe(listener: (status: SyncStatus) => void): Unsubscribe;
}

/**
 * The typed page API returned by `createOutbox`. Same methods as the worker's `OutboxApi`,
 * with collection names and document types narrowed by `Cols`. Every method is async and
 * rejects with an `OutboxError` (code `call-timeout`, `worker-unavailable`, `closed`, or the
 * worker's own code).
 */
export interface Outbox<Cols extends CollectionTypes> {
  put<K extends CollectionName<Cols>>(collection: K, key: string, value: Cols[K]): Promise<WriteReceipt>;
  delete<K extends CollectionName<Cols>>(collection: K, key: string): Promise<WriteReceipt>;
  get<K extends CollectionName<Cols>>(collection: K, key: string): Promise<DocSnapshot<Cols[K]> | undefined>;
  list<K extends CollectionName<Cols>>(collection: K, options?: ListOptions): Promise<ListPage<Cols[K]>>;
  /** Calls `listener` with each committed batch of changes; survives a worker restart. */
  watch<K extends CollectionName<Cols>>(
    collection: K,
    listener: (changes: DocChange<Cols[K]>[]) => void,
    key?: string,
  ): Promise<Unsubscribe>;
  clear<K extends CollectionName<Cols>>(collection: K, options?: { discardPending?: boolean }): Promise<ClearResult>;

  /**
   * Resolves when every write pending at the time of the call is acknowledged. No call timeout:
   * it waits while the worker is alive, or at most `timeoutMs`, then rejects with
   * `flush-timeout` (the writes stay queued; `status.get().pending` says how many). For a moment
   * like switching user, when writes must leave under the current credentials or the user must
   * be told how many stay behind.
   */
  flush(options?: { readonly timeoutMs?: number | undefined }): Promise<void>;
  /**
   * The outbox databases on this device whose name starts with `prefix` and that still hold
   * unsynced writes or dead letters (one database per user: whose writes are left behind).
   * Read only; nothing is pushed. Each user's writes are sent when their database is open again.
   */
  pendingDatabases(prefix: string): Promise<PendingDatabase[]>;
  /** Resolves when the write is acknowledged; rejects if it is dead-lettered. No call timeout while the worker is alive. */
  whenSynced(id: WriteId): Promise<void>;
  getStatus(): Promise<SyncStatus>;
  /** Same as `status.subscribe`, shaped like the worker API (no extra worker subscription). */
  subscribeStatus(listener: (status: SyncStatus) => void): Promise<Unsubscribe>;
  readonly status: StatusView;

  listPending(options?: { limit?: number }): Promise<PendingWrite[]>;
  discardPending(id: WriteId): Promise<void>;
  listDeadLetters(): Promise<DeadLetter[]>;
  retryDeadLetter(id: WriteId, edited?: { value: JsonValue }): Promise<WriteReceipt>;
  discardDeadLetter(id: WriteId): Promise<void>;
  listConflicts(): Promise<ConflictRecord[]>;
  dismissConflict(id: string): Promise<void>;
  /** Records set aside instead of stalling sync (status.quarantined counts them): read back in the wrong shape, or pulled documents that failed their schema; each with its code and the raw record. */
  listQuarantined(): Promise<QuarantinedRecord[]>;

  exportData(): Promise<unknown>;
  importData(file: unknown): Promise<ImportReport>;

  setAuth(headers: Record<string, string> | null): Promise<void>;
  setOnline(online: boolean): Promise<void>;
  setVisible(visible: boolean): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
  /** Stops relaying, unsubscribes, closes the worker's outbox and terminates the worker. Later calls reject with `closed`. */
  close(): Promise<void>;
}

/** Options of `createOutbox`. */
export interface CreateOutboxOptions {
  /**
   * The dedicated worker running `startOutboxWorker`, or a factory for it. Pass a factory so
   * the client can start a new worker when one dies; with an instance it cannot.
   *
   * @example
   * worker: () => new Worker(new URL('./outbox.worker.ts', import.meta.url), { type: 'module' })
   */
  readonly worker: Worker | (() => Worker);
  /** Timeout of each call in ms (default 10 000). `flush`/`whenSynced` instead ping the worker at this interval. */
  readonly callTimeoutMs?: number | undefined;
  /**
   * Asked (by the worker that runs sync, through Comlink) for new auth headers when the server
   * answers 401, e.g. because a short-lived token expired while offline. Resolve the headers to
   * store and retry with (as `setAuth` would), or null when the user must sign in again; the
   * outbox then waits in `auth-required` until `setAuth`. It is asked at most once per request
   * and given 30 s. The service worker never asks it: a drain it runs alone stops at the 401 and
   * leaves the writes for the next page to send.
   *
   * @example
   * refreshAuth: async () => ({ authorization: `Bearer ${await renewToken()}` })
   */
  readonly refreshAuth?: (() => Promise<Record<string, string> | null>) | undefined;
  /**
   * The database the worker serves (its `dbName`), when the page knows it. It names the page's
   * journal of unfinished writes at once; without it the worker is asked, and a write made
   * before it answers cannot be journaled if the page goes away meanwhile.
   */
  readonly dbName?: string | undefined;
  /**
   * Told when the page cannot journal the writes still unfinished at `pagehide` (code
   * `journal-unavailable`: no localStorage, or it is full) or the worker refuses a journaled write
   * replayed at the next start (its own error, e.g. `unknown-collection`). Default: `console.error`.
   */
  readonly onJournalError?: ((error: OutboxError) => void) | undefined;
  /** Registers this service worker with workbox-window (e.g. `{ url: '/sw.js', type: 'module' }`); false or absent: none. */
  readonly serviceWorker?: { readonly url: string; readonly type?: 'module' | 'classic' | undefined } | false | undefined;
}
