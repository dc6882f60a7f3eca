import type { DocChange } from '../../protocol/outbox-api.ts';
import type { SyncStatus } from '../../protocol/sync-status.ts';

/**
 * Messages on the BroadcastChannel `outbox:<db>` shared by every tab's worker and the
 * service worker. Validated on receipt (another app version may be running in another tab).
 * - `kick`: writes were committed; the lock holder should push.
 * - `status`: the holder's latest snapshot.
 * - `status-request`: a newcomer asks the holder to publish its snapshot again.
 * - `signal`: a non-holder relays a page signal to the holder.
 * - `changes`: document snapshots a context committed, for every other context's watchers.
 * - `watching`: collections watched in the sender, so others make changes for their writes to them
 *   (sent on each newly watched collection, and in answer to `status-request`).
 */
export type ChannelMessage =
  | { readonly type: 'kick' }
  | { readonly type: 'status'; readonly status: SyncStatus }
  | { readonly type: 'status-request' }
  | { readonly type: 'signal'; readonly name: 'online' | 'visible' | 'paused'; readonly value: boolean }
  | { readonly type: 'signal'; readonly name: 'auth'; readonly value: true }
  | { readonly type: 'changes'; readonly changes: readonly DocChange[] }
  | { readonly type: 'watching'; readonly collections: readonly string[] };

const SIGNALS = new Set(['online', 'visible', 'paused', 'auth']);

/** Whether `data` is a well-formed {@link ChannelMessage}. */
export function isChannelMessage(data: unknown): data is ChannelMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as {
    type?: unknown;
    status?: unknown;
    name?: unknown;
    value?: unknown;
    changes?: unknown;
    collections?: unknown;
  };
  switch (m.type) {
    case 'kick':
    case 'status-request':
      return true;
    case 'status':
      return typeof m.status === 'object' && m.status !== null && typeof (m.status as { phase?: unknown }).phase === 'string';
    case 'signal':
      return typeof m.name === 'string' && SIGNALS.has(m.name) && typeof m.value === 'boolean';
    case 'changes':
      return Array.isArray(m.changes) && m.changes.every(isDocChange);
    case 'watching':
      return Array.isArray(m.collections) && m.collections.every((c) => typeof c === 'string');
    default:
      return false;
  }
}

function isDocChange(data: unknown): data is DocChange {
  if (typeof data !== 'object' || data === null) return false;
  const c = data as Partial<Record<keyof DocChange, unknown>>;
  return (
    typeof c.collection === 'string' &&
    typeof c.key === 'string' &&
    (c.op === 'put' || c.op === 'delete') &&
    (c.version === null || typeof c.version === 'number') &&
    typeof c.pendingWrites === 'number' &&
    (c.source === 'local' || c.source === 'remote')
  );
}
