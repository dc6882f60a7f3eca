import type { OutboxApi } from '../../protocol/outbox-api.ts';

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
}

/** The Background Sync tag the page registers and the service worker listens for. */
export const OUTBOX_SYNC_TAG = 'outbox-sync';

/** Name of the Web Lock whose holder runs the sync loop for database `db`. */
export const syncLockName = (db: string): string => `outbox:sync:${db}`;

/** Name of the BroadcastChannel shared by every tab's worker and the service worker for database `db`. */
export const channelName = (db: string): string => `outbox:${db}`;
