import { OutboxError } from '../../errors.ts';
import type { ErrorInfo } from '../../protocol/pending-write.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { ChannelMessage } from './channel-message.ts';
import { type OutboxCoreOptions, openOutboxCore } from './open-outbox-core.ts';
import type { ChannelPort, LockPort } from './runtime-ports.ts';
import { channelName, syncLockName } from './worker-rpc.ts';

/** What the service worker's sync handler needs: the core's world plus how to open the database. */
export interface DrainOutboxOptions extends Omit<OutboxCoreOptions, 'storage'> {
  readonly dbName: string;
  readonly openStorage: (dbName: string) => Promise<OutboxStorage>;
  readonly locks: LockPort;
  readonly openChannel: (name: string) => ChannelPort;
}

/**
 * - `kicked`: a tab's worker holds the sync lock; it was kicked over the channel and drains itself.
 * - `drained`: this context took the lock and ran one push pass; `remaining` writes are left.
 */
export type DrainOutcome =
  | { readonly kind: 'kicked' }
  | { readonly kind: 'drained'; readonly remaining: number; readonly error?: ErrorInfo | undefined };

/**
 * One drain pass of database `dbName`, for the service worker's `sync` event. Takes the sync
 * lock only if it is free (`ifAvailable`): when a tab's worker holds it, that worker runs the
 * loop, so it is kicked instead. Otherwise builds the same core over the same database, pushes
 * until the outbox is empty or the first failure, publishes the resulting status on the
 * channel (tabs opening meanwhile show it), and closes everything again.
 */
export async function drainOutbox(o: DrainOutboxOptions): Promise<DrainOutcome> {
  const channel = o.openChannel(channelName(o.dbName));
  const post = (message: ChannelMessage): void => channel.postMessage(message);
  try {
    return await o.locks.request(syncLockName(o.dbName), { ifAvailable: true }, async (lock): Promise<DrainOutcome> => {
      if (lock === null) {
        post({ type: 'kick' });
        return { kind: 'kicked' };
      }
      const storage = await o.openStorage(o.dbName);
      try {
        const core = await openOutboxCore({ ...o, storage });
        const runner = core.createRunner();
        const result = await runner.drainOnce();
        post({ type: 'status', status: runner.status.current });
        runner.close();
        return { kind: 'drained', ...result };
      } finally {
        storage.close();
      }
    });
  } finally {
    channel.close();
  }
}

/**
 * Like {@link drainOutbox}, but rejects with `sync-incomplete` when writes remain after the
 * pass, so that a `sync` event's `waitUntil` fails and the browser schedules a retry.
 */
export async function drainOutboxOrThrow(o: DrainOutboxOptions): Promise<DrainOutcome> {
  const outcome = await drainOutbox(o);
  if (outcome.kind === 'drained' && outcome.remaining > 0) {
    const reason = outcome.error?.code ?? 'writes still leased or added during the pass';
    throw new OutboxError('sync-incomplete', { db: o.dbName, remaining: outcome.remaining, reason });
  }
  return outcome;
}
