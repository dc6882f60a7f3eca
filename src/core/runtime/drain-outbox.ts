import { OutboxError } from '../../errors.ts';
import type { ErrorInfo } from '../../protocol/pending-write.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { type ChannelMessage, isChannelMessage } from './channel-message.ts';
import { type OutboxCoreOptions, openOutboxCore } from './open-outbox-core.ts';
import type { ChannelPort, LockPort } from './runtime-ports.ts';
import { channelName, syncLockName } from './worker-rpc.ts';

/** What the service worker's sync handler needs: the core's world plus how to open the database. */
export interface DrainOutboxOptions extends Omit<OutboxCoreOptions, 'storage'> {
  readonly dbName: string;
  readonly openStorage: (dbName: string) => Promise<OutboxStorage>;
  readonly locks: LockPort;
  readonly openChannel: (name: string) => ChannelPort;
  /** How long to wait for the tab that holds the lock to report the push it was asked for; default 20 s. */
  readonly holderWaitMs?: number | undefined;
}

/** Default of {@link DrainOutboxOptions.holderWaitMs}, in milliseconds. */
export const DEFAULT_HOLDER_WAIT_MS = 20_000;

/**
 * - `delegated`: a tab's worker holds the sync lock; it was told to push now and reported back.
 * - `drained`: this context took the lock and ran one push pass.
 * `remaining`: writes left in the outbox (-1 when the holder did not report in time).
 */
export interface DrainOutcome {
  readonly kind: 'delegated' | 'drained';
  readonly remaining: number;
  readonly error?: ErrorInfo | undefined;
}

/**
 * One drain pass of database `dbName`, for the service worker's `sync` event. Takes the sync
 * lock only if it is free (`ifAvailable`). When a tab's worker holds it, that worker runs the
 * loop: it is sent `online` (backoff reset, push now) and its status snapshots are watched
 * until the outbox is empty or its push failed, so the outcome is still true. Otherwise builds
 * the same core over the same database, pushes until the outbox is empty or the first failure,
 * publishes the resulting status on the channel, and closes everything again. Taking the lock
 * makes every lease in the database a dead runner's, so that runner's batch goes out in this pass.
 * A 401 ends the pass with the writes kept: the app's `refreshAuth` lives in a page, and with a
 * page open its worker holds the lock, so the drain defers to the next page to open.
 */
export async function drainOutbox(o: DrainOutboxOptions): Promise<DrainOutcome> {
  const channel = o.openChannel(channelName(o.dbName));
  const post = (message: ChannelMessage): void => channel.postMessage(message);
  try {
    return await o.locks.request(syncLockName(o.dbName), { ifAvailable: true }, async (lock): Promise<DrainOutcome> => {
      if (lock === null) return delegate(channel, o);
      const storage = await o.openStorage(o.dbName);
      try {
        const core = await openOutboxCore({ ...o, storage });
        // The tabs' watchers see what this pass settled (acks, conflict decisions, pulled documents).
        core.local.onChanges((changes) => post({ type: 'changes', changes }));
        const runner = await core.createRunner();
        const result = await runner.drainOnce();
        post({ type: 'status', status: runner.status.current });
        runner.close();
        return { kind: 'drained', remaining: result.remaining, error: result.error };
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
  if (outcome.remaining !== 0) {
    const reason =
      outcome.error?.code ??
      (outcome.kind === 'delegated'
        ? 'the tab running sync did not report in time'
        : 'writes still leased or added during the pass');
    throw new OutboxError('sync-incomplete', { db: o.dbName, remaining: outcome.remaining, reason });
  }
  return outcome;
}

/**
 * Asks the lock holder to push now and waits for its verdict: success once a snapshot shows an
 * empty outbox; failure once, after a push started, it is back in backoff/offline, or at once
 * on auth-required; unknown (remaining -1) after `holderWaitMs`.
 */
function delegate(channel: ChannelPort, o: DrainOutboxOptions): Promise<DrainOutcome> {
  return new Promise((resolve) => {
    let sawPush = false;
    const finish = (outcome: DrainOutcome): void => {
      o.timers.clearTimeout(timer);
      channel.onmessage = null;
      resolve(outcome);
    };
    const timer = o.timers.setTimeout(
      () => finish({ kind: 'delegated', remaining: -1 }),
      o.holderWaitMs ?? DEFAULT_HOLDER_WAIT_MS,
    );
    channel.onmessage = (event) => {
      if (!isChannelMessage(event.data) || event.data.type !== 'status') return;
      const s = event.data.status;
      if (s.phase === 'pushing') sawPush = true;
      if (s.pending === 0) finish({ kind: 'delegated', remaining: 0 });
      else if (s.phase === 'auth-required' || (sawPush && (s.phase === 'backoff' || s.phase === 'offline'))) {
        finish({ kind: 'delegated', remaining: s.pending, error: s.lastError ?? undefined });
      }
    };
    const message: ChannelMessage = { type: 'signal', name: 'online', value: true };
    channel.postMessage(message);
  });
}
