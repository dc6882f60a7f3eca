import type { ConflictRecord } from '../protocol/conflict-record.ts';
import type { DeadLetter } from '../protocol/dead-letter.ts';
import type { PendingWrite } from '../protocol/pending-write.ts';
import type { QuarantinedRecord } from '../protocol/quarantined-record.ts';
import type { SyncStatus } from '../protocol/sync-status.ts';

/** The name under which the hook registers itself on the page's global object. */
export const DEVTOOLS_GLOBAL = '__OUTBOX_DEVTOOLS__';
/** Version of the hook's shape; the panel refuses shapes it does not know. */
export const DEVTOOLS_HOOK_VERSION = 1;
/** How many pending writes a snapshot lists (the count in status is always exact). */
export const DEVTOOLS_PENDING_LIMIT = 200;

/** What the DevTools panel may ask the hook to do. */
export type DevtoolsAction = 'flush' | 'discard-pending' | 'retry-dead-letter' | 'discard-dead-letter' | 'dismiss-conflict';

/** The outcome of the last action, so the panel can show what happened. */
export interface DevtoolsActionResult {
  readonly action: DevtoolsAction;
  readonly id: string | null;
  readonly ok: boolean;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly at: number;
}

/** One outbox as the panel sees it: plain JSON, read synchronously by `inspectedWindow.eval`. */
export interface DevtoolsSnapshot {
  readonly name: string;
  readonly status: SyncStatus;
  readonly pending: readonly PendingWrite[];
  readonly deadLetters: readonly DeadLetter[];
  readonly conflicts: readonly ConflictRecord[];
  /** Records set aside instead of stalling sync, each with its code and the raw record (JSON-safe); absent from hooks older than the quarantine. */
  readonly quarantined?: readonly QuarantinedRecord[] | undefined;
  /** Epoch ms of the last refresh; null before the first one finished. */
  readonly refreshedAt: number | null;
  readonly refreshError: { readonly code: string; readonly message: string } | null;
  readonly lastAction: DevtoolsActionResult | null;
}

/** The object installed at `globalThis[DEVTOOLS_GLOBAL]`. */
export interface DevtoolsHook {
  readonly version: typeof DEVTOOLS_HOOK_VERSION;
  /** Names of the registered outboxes. */
  names(): string[];
  /** The latest snapshot of one outbox, as a JSON string (what eval can return). */
  snapshot(name: string): string | null;
  /** Starts an action; its outcome appears in the next snapshots as `lastAction`. Returns false for an unknown outbox. */
  run(name: string, action: DevtoolsAction, id: string | null): boolean;
}
