import type { SyncStatus } from '../../protocol/sync-status.ts';

/**
 * Messages on the BroadcastChannel `outbox:<db>` shared by every tab's worker and the
 * service worker. Validated on receipt (another app version may be running in another tab).
 * - `kick`: writes were committed; the lock holder should push.
 * - `status`: the holder's latest snapshot.
 * - `status-request`: a newcomer asks the holder to publish its snapshot again.
 * - `signal`: a non-holder relays a page signal to the holder.
 */
export type ChannelMessage =
  | { readonly type: 'kick' }
  | { readonly type: 'status'; readonly status: SyncStatus }
  | { readonly type: 'status-request' }
  | { readonly type: 'signal'; readonly name: 'online' | 'visible' | 'paused'; readonly value: boolean }
  | { readonly type: 'signal'; readonly name: 'auth'; readonly value: true };

const SIGNALS = new Set(['online', 'visible', 'paused', 'auth']);

/** Whether `data` is a well-formed {@link ChannelMessage}. */
export function isChannelMessage(data: unknown): data is ChannelMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { type?: unknown; status?: unknown; name?: unknown; value?: unknown };
  switch (m.type) {
    case 'kick':
    case 'status-request':
      return true;
    case 'status':
      return typeof m.status === 'object' && m.status !== null && typeof (m.status as { phase?: unknown }).phase === 'string';
    case 'signal':
      return typeof m.name === 'string' && SIGNALS.has(m.name) && typeof m.value === 'boolean';
    default:
      return false;
  }
}
