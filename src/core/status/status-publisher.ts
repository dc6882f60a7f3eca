import type { SyncStatus } from '../../protocol/sync-status.ts';

/** Unsubscribes; safe to call twice. */
export type StatusUnsubscribe = () => void;

/**
 * Holds the current {@link SyncStatus} and tells subscribers: each gets the current
 * snapshot at once, then every change. A snapshot equal to the last one (ignoring `at`)
 * is not published again. A throwing subscriber does not stop the others.
 */
export class StatusPublisher {
  #current: SyncStatus;
  #listeners = new Set<(status: SyncStatus) => void>();

  constructor(initial: SyncStatus) {
    this.#current = initial;
  }

  /** The latest snapshot. */
  get current(): SyncStatus {
    return this.#current;
  }

  /** Calls `listener` now with the current snapshot and after every change. */
  subscribe(listener: (status: SyncStatus) => void): StatusUnsubscribe {
    const own = (status: SyncStatus) => listener(status);
    this.#listeners.add(own);
    safeCall(own, this.#current);
    return () => {
      this.#listeners.delete(own);
    };
  }

  /** Replaces the snapshot and notifies, unless only `at` differs. */
  publish(next: SyncStatus): void {
    if (sameStatus(this.#current, next)) return;
    this.#current = next;
    for (const listener of [...this.#listeners]) safeCall(listener, next);
  }
}

function safeCall(listener: (status: SyncStatus) => void, status: SyncStatus): void {
  try {
    listener(status);
  } catch {
    // A broken subscriber must not stop the sync loop or the other subscribers.
  }
}

/** Equal in every field but `at`. */
export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });
}
