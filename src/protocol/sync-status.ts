import type { ErrorInfo } from './pending-write.ts';

/**
 * Where the sync loop is. See the diagram at the top of src/core/sync/sync-loop.ts.
 * - `idle`: nothing to send, or waiting for the next trigger
 * - `pushing` / `pulling`: a request is in flight
 * - `backoff`: the last attempt failed transiently; `nextRetryAt` says when the next one starts
 * - `offline`: the page reported offline, or requests fail at the network level
 * - `auth-required`: the server refused credentials; waiting for setAuth()
 * - `paused`: the app paused sync
 * - `closed`: the outbox was closed
 */
export type SyncPhase = 'idle' | 'pushing' | 'pulling' | 'backoff' | 'offline' | 'auth-required' | 'paused' | 'closed';

/**
 * One plain, structured-cloneable snapshot of where the data stands. Published by the
 * runner on the BroadcastChannel, so every tab and the service worker see the same.
 */
export interface SyncStatus {
  readonly phase: SyncPhase;
  /** true / false as last observed (a relayed browser event or a request outcome); 'unknown' before either. */
  readonly online: boolean | 'unknown';
  /** Writes in the outbox, in flight included. */
  readonly pending: number;
  /** Writes in the batch currently being pushed. */
  readonly inFlight: number;
  readonly deadLetters: number;
  /** Recorded conflicts not yet dismissed. */
  readonly conflicts: number;
  /** Records set aside in the quarantine: read back from the database in the wrong shape, or pulled documents that failed their schema (listQuarantined). */
  readonly quarantined: number;
  /** Writes discarded on purpose (clear with discardPending, dead letters discarded) since this database was created. */
  readonly discarded: number;
  /** Progress of the current drain: writes acknowledged out of those pending when it started. */
  readonly progress: { readonly done: number; readonly total: number } | null;
  /** Epoch ms of the last time the outbox was empty after a successful exchange with the server. */
  readonly lastSyncedAt: number | null;
  readonly lastError: ErrorInfo | null;
  /** Epoch ms of the next automatic attempt while in backoff. */
  readonly nextRetryAt: number | null;
  /** Epoch ms when this snapshot was made. */
  readonly at: number;
}

export const INITIAL_SYNC_STATUS: SyncStatus = Object.freeze({
  phase: 'idle',
  online: 'unknown',
  pending: 0,
  inFlight: 0,
  deadLetters: 0,
  conflicts: 0,
  quarantined: 0,
  discarded: 0,
  progress: null,
  lastSyncedAt: null,
  lastError: null,
  nextRetryAt: null,
  at: 0,
});
