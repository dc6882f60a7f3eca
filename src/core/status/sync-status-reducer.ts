import type { ErrorInfo } from '../../protocol/pending-write.ts';
import type { SyncPhase, SyncStatus } from '../../protocol/sync-status.ts';

/** The counts read from storage. */
export interface StoredCounts {
  readonly pending: number;
  readonly deadLetters: number;
  readonly conflicts: number;
  readonly quarantined: number;
  readonly discarded: number;
}

/** Everything that moves the status. Each event carries `at`, the epoch ms it happened. */
export type SyncEvent =
  /** Fresh counts read from storage after a transaction. */
  | {
      readonly type: 'counts';
      readonly at: number;
      readonly pending: number;
      readonly deadLetters: number;
      readonly conflicts: number;
      readonly quarantined: number;
      readonly discarded: number;
    }
  /** A phase with no other data: idle, paused, closed, pulling. */
  | { readonly type: 'phase'; readonly at: number; readonly phase: SyncPhase }
  /** A drain began with `total` writes pending. */
  | { readonly type: 'drain-started'; readonly at: number; readonly total: number }
  | { readonly type: 'push-started'; readonly at: number; readonly inFlight: number }
  /**
   * A push was answered with results; `acked` writes left the outbox; `error` is a per-write
   * rejection, if any; `counts`, read after the settle committed, update in the same step.
   */
  | {
      readonly type: 'push-settled';
      readonly at: number;
      readonly acked: number;
      readonly error?: ErrorInfo | undefined;
      readonly counts?: StoredCounts | undefined;
    }
  /** A pull (all its pages) finished. */
  | { readonly type: 'pull-succeeded'; readonly at: number }
  /** The outbox became empty after a successful exchange. */
  | { readonly type: 'synced'; readonly at: number }
  /** A request failed transiently; the next attempt is at `nextRetryAt`. */
  | {
      readonly type: 'failed';
      readonly at: number;
      readonly error: ErrorInfo;
      readonly nextRetryAt: number;
      readonly offline: boolean;
    }
  | { readonly type: 'auth-required'; readonly at: number; readonly error: ErrorInfo }
  /** The page relayed `online`/`offline`. */
  | { readonly type: 'online-changed'; readonly at: number; readonly online: boolean };

/**
 * Builds the next {@link SyncStatus} from the current one and an event. Pure; the
 * result is a new plain object (structured-cloneable), or `status` itself when nothing changed.
 */
export function syncStatusReducer(status: SyncStatus, event: SyncEvent): SyncStatus {
  const at = event.at;
  switch (event.type) {
    case 'counts': {
      const { pending, deadLetters, conflicts, quarantined, discarded } = event;
      return { ...status, pending, deadLetters, conflicts, quarantined, discarded, at };
    }
    case 'phase':
      return { ...status, phase: event.phase, inFlight: 0, nextRetryAt: null, at };
    case 'drain-started':
      return { ...status, progress: { done: 0, total: event.total }, at };
    case 'push-started':
      return { ...status, phase: 'pushing', inFlight: event.inFlight, nextRetryAt: null, at };
    case 'push-settled': {
      const progress = status.progress && {
        done: Math.min(status.progress.total, status.progress.done + event.acked),
        total: status.progress.total,
      };
      return { ...status, ...event.counts, inFlight: 0, online: true, progress, lastError: event.error ?? null, at };
    }
    case 'pull-succeeded':
      return { ...status, online: true, at };
    case 'synced':
      return { ...status, phase: 'idle', inFlight: 0, progress: null, lastSyncedAt: at, nextRetryAt: null, at };
    case 'failed':
      return {
        ...status,
        phase: event.offline ? 'offline' : 'backoff',
        online: event.offline ? false : status.online,
        inFlight: 0,
        lastError: event.error,
        nextRetryAt: event.nextRetryAt,
        at,
      };
    case 'auth-required':
      return { ...status, phase: 'auth-required', inFlight: 0, lastError: event.error, nextRetryAt: null, at };
    case 'online-changed':
      return { ...status, online: event.online, at };
  }
}
