import type { WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { DocChange, OutboxApi, Unsubscribe } from '../../protocol/outbox-api.ts';
import type { SyncStatus } from '../../protocol/sync-status.ts';

/**
 * What the outbox service needs from the local document store (`LocalStore`): the document
 * half of {@link OutboxApi} plus a "writes committed" signal.
 */
export interface DocStorePort
  extends Pick<
    OutboxApi,
    | 'put'
    | 'delete'
    | 'get'
    | 'list'
    | 'clear'
    | 'exportData'
    | 'importData'
    | 'listPending'
    | 'discardPending'
    | 'listDeadLetters'
    | 'retryDeadLetter'
    | 'discardDeadLetter'
    | 'listConflicts'
    | 'dismissConflict'
    | 'listQuarantined'
  > {
  watch(collection: string, listener: (changes: DocChange[]) => void, key?: string): Unsubscribe;
  /** Calls `listener` with every batch of changes committed in this context (to pass on to other contexts). */
  onChanges(listener: (changes: DocChange[]) => void): Unsubscribe;
  /** Delivers changes committed in another context to this context's watchers. */
  relayChanges(changes: readonly DocChange[]): void;
  /** Marks collections as watched in another context (local writes to them then make changes). */
  watchElsewhere(collections: readonly string[]): void;
  /** Called after each transaction that added writes to the outbox commits. */
  onWritesCommitted(listener: () => void): Unsubscribe;
  /** Where the outbox stands, read from storage (no loop needed). */
  localStatus(): Promise<Pick<SyncStatus, 'pending' | 'deadLetters' | 'conflicts' | 'quarantined' | 'discarded'>>;
  /** Whether a write is still in the outbox (by id). */
  hasPendingWrite(id: WriteId): Promise<boolean>;
  /** The highest seq in the outbox, 0 when empty. */
  lastPendingSeq(): Promise<number>;
  /** The lowest seq in the outbox above `afterSeq` (one bounded read); undefined when there is none. */
  firstPendingSeq(afterSeq: number): Promise<number | undefined>;
  /** Whether a write of this id is in the dead-letter store. */
  isDeadLettered(id: WriteId): Promise<boolean>;
  close(): void;
}

/** What the service needs from the sync loop (`SyncLoop`); only the lock holder has one. */
export interface SyncRunnerPort {
  start(): void;
  kick(): void;
  setOnline(online: boolean): void;
  setVisible(visible: boolean): void;
  setPaused(paused: boolean): void;
  setAuthChanged(): void;
  subscribe(listener: (status: SyncStatus) => void): Unsubscribe;
  /** One pass for the service worker: push until empty or a failure. */
  drainOnce(): Promise<{ remaining: number; error?: { code: string; message: string } | undefined }>;
  close(): Promise<void> | void;
}

/** `navigator.locks`, reduced to what leadership needs. */
export interface LockPort {
  request<T>(name: string, options: { ifAvailable?: boolean }, fn: (lock: unknown) => Promise<T>): Promise<T>;
}

/** A BroadcastChannel, reduced. The sender does not receive its own messages. */
export interface ChannelPort {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** Auth headers as stored by setAuth (meta), read by the transport before each request. */
export interface AuthPort {
  set(headers: Record<string, string> | null): Promise<void>;
}

export type { JsonValue };
