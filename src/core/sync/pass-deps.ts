import type { ClientId } from '../../protocol/ids.ts';
import type { DocChange } from '../../protocol/outbox-api.ts';
import type { ErrorInfo } from '../../protocol/pending-write.ts';
import type { QueueContext } from '../queue/queue-context.ts';
import type { TransportOutcome } from '../retry/transport-outcome.ts';
import type { SyncEvent } from '../status/sync-status-reducer.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { SyncPolicy } from './sync-policy.ts';
import type { SyncTransport } from './sync-transport.ts';

/** What a push or pull pass needs from the loop that runs it. */
export interface PassDeps {
  readonly storage: OutboxStorage;
  readonly transport: SyncTransport;
  readonly clientId: ClientId;
  readonly policy: SyncPolicy;
  readonly now: () => number;
  readonly context: () => QueueContext;
  /** Sends one request, refreshing credentials once on a 401. */
  readonly send: <T>(request: () => Promise<TransportOutcome<T>>) => Promise<TransportOutcome<T>>;
  readonly event: (event: SyncEvent) => void;
  readonly emitChanges: (changes: DocChange[]) => void;
  /** Whether the loop was paused or closed meanwhile. */
  readonly shouldStop: () => boolean;
}

/** How a pass ended. */
export type PassEnd =
  /** Nothing left to do (`more`: a per-pass bound was hit and another pass should follow). */
  | { readonly kind: 'done'; readonly exchanged: boolean; readonly more: boolean }
  | { readonly kind: 'failed'; readonly error: ErrorInfo; readonly retryAfterMs: number | undefined; readonly network: boolean }
  | { readonly kind: 'auth'; readonly error: ErrorInfo }
  /** The oldest write is leased by another runner until `until`. */
  | { readonly kind: 'blocked'; readonly until: number }
  | { readonly kind: 'stopped' };
