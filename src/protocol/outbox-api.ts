import type { ConflictRecord } from './conflict-record.ts';
import type { DeadLetter } from './dead-letter.ts';
import type { WriteId } from './ids.ts';
import type { JsonValue } from './json-value.ts';
import type { PendingWrite } from './pending-write.ts';
import type { QuarantinedRecord } from './quarantined-record.ts';
import type { SyncStatus } from './sync-status.ts';

/** What a put/delete resolves with, after its transaction has committed. */
export interface WriteReceipt {
  readonly id: WriteId;
  readonly seq: number;
  /** True when this write replaced an earlier unsent write to the same key (coalescing). */
  readonly coalesced: boolean;
}

/**
 * How the page client names a write before it reaches the worker, so that the write can be
 * journaled on `pagehide` and replayed on the next start without landing twice.
 */
export interface WriteOptions {
  /** The write's id, chosen by the caller (32 lowercase hex digits); default: a new random id. */
  readonly id?: WriteId | undefined;
  /**
   * A write replayed from the page's journal, made at `createdAt` (epoch ms): skipped when a
   * write of this id is pending, dead-lettered or was acknowledged recently.
   */
  readonly replay?: { readonly createdAt: number } | undefined;
}

/** A document as read back, with where it stands. */
export interface DocSnapshot<T = JsonValue> {
  readonly key: string;
  readonly value: T;
  /** Last server version known; null if never synced. */
  readonly version: number | null;
  /** Writes to this document still in the outbox. */
  readonly pendingWrites: number;
}

export interface ListOptions {
  /** Return keys strictly after this one (key order). */
  readonly after?: string | undefined;
  /** Page size; default 100, at most 1000. */
  readonly limit?: number | undefined;
}

export interface ListPage<T = JsonValue> {
  readonly items: readonly DocSnapshot<T>[];
  /** Pass as `after` for the next page; null when this was the last. */
  readonly next: string | null;
}

/**
 * One document's new snapshot, sent to its watchers whenever that snapshot changes: a local
 * write, an acknowledgement, a conflict settlement, a pull, or its write dead-lettered,
 * retried or discarded. `op: 'delete'` means the document is absent (`get` answers undefined);
 * otherwise `value`, `version` and `pendingWrites` are what `get` answers.
 */
export interface DocChange<T = JsonValue> {
  readonly collection: string;
  readonly key: string;
  readonly op: 'put' | 'delete';
  /** Undefined for a delete. */
  readonly value: T | undefined;
  /** Last server version known after the change; null if never synced (or absent). */
  readonly version: number | null;
  /** Writes to this document still in the outbox after the change. */
  readonly pendingWrites: number;
  /** 'local' for this database's own actions (writes, retry, discard, clear, import); 'remote' for sync outcomes (acks, dead-lettering, pulls, conflict decisions). */
  readonly source: 'local' | 'remote';
}

export interface ClearResult {
  readonly removed: number;
  /** Pending writes discarded (only with discardPending). */
  readonly discarded: number;
}

export interface ImportReport {
  readonly docs: number;
  readonly pendingWrites: number;
  readonly deadLetters: number;
}

/** Unsubscribes; safe to call twice. */
export type Unsubscribe = () => void;

/**
 * The worker's RPC surface, reached from pages with Comlink. Every method is
 * async; errors are {@link OutboxError}s whose `code` survives the thread hop.
 * The typed page API (`createOutbox`) narrows `collection`/`value` per app schema.
 */
export interface OutboxApi {
  put(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<WriteReceipt>;
  delete(collection: string, key: string, options?: WriteOptions): Promise<WriteReceipt>;
  get(collection: string, key: string): Promise<DocSnapshot | undefined>;
  list(collection: string, options?: ListOptions): Promise<ListPage>;
  /** Calls `listener` with each committed batch of changes to the collection (optionally one key). */
  watch(collection: string, listener: (changes: DocChange[]) => void, key?: string): Promise<Unsubscribe>;
  clear(collection: string, options?: { discardPending?: boolean }): Promise<ClearResult>;

  /** Resolves when every write pending at the time of the call is acknowledged; rejects with the reason it cannot be. */
  flush(): Promise<void>;
  /** Resolves when the write is acknowledged by the server; rejects if it is dead-lettered. */
  whenSynced(id: WriteId): Promise<void>;
  getStatus(): Promise<SyncStatus>;
  /** Calls `listener` at once with the current status and with every change after. */
  subscribeStatus(listener: (status: SyncStatus) => void): Promise<Unsubscribe>;

  listPending(options?: { limit?: number }): Promise<PendingWrite[]>;
  /** Moves a pending write to the dead-letter store (reason 'discarded-by-user') so it is never silently lost. */
  discardPending(id: WriteId): Promise<void>;
  listDeadLetters(): Promise<DeadLetter[]>;
  /** Puts a dead letter back in the outbox as a new write (optionally with an edited value). */
  retryDeadLetter(id: WriteId, edited?: { value: JsonValue }): Promise<WriteReceipt>;
  /** Deletes a dead letter for good; counted in status.discarded. */
  discardDeadLetter(id: WriteId): Promise<void>;
  listConflicts(): Promise<ConflictRecord[]>;
  dismissConflict(id: string): Promise<void>;
  /** Records set aside instead of stalling sync: read back from the database in the wrong shape, or pulled documents that failed their schema; oldest first, each with its code and the raw record. */
  listQuarantined(): Promise<QuarantinedRecord[]>;

  exportData(): Promise<unknown>;
  importData(file: unknown): Promise<ImportReport>;

  /** Credentials for the sync server, kept in the database so the service worker can use them too. */
  setAuth(headers: Record<string, string> | null): Promise<void>;
  /** Relays of page-only signals: workers get no online/offline/visibility events. */
  setOnline(online: boolean): Promise<void>;
  setVisible(visible: boolean): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
  close(): Promise<void>;
}
