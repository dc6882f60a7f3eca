import type { ConflictDecision, ConflictPolicyName } from '../../protocol/conflict-record.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { ServerDoc } from '../../protocol/push-messages.ts';
import type { ConflictPolicy } from '../docs/define-collection.ts';

/** What a conflict policy decided for one write. */
export interface ConflictResolution {
  readonly policy: ConflictPolicyName;
  readonly decision: ConflictDecision;
  /** The document's value after the decision; null when it ends deleted. */
  readonly result: JsonValue | null;
  /** Whether `result` must be sent as a new write (client-won, merged). */
  readonly followUp: boolean;
}

/** The value a write carries: null for a delete. */
export const localValue = (write: PendingWrite): JsonValue | null => (write.op === 'delete' ? null : (write.value ?? null));

/** The server's value: null when deleted there. */
export const remoteValue = (current: ServerDoc): JsonValue | null => (current.deleted ? null : current.value);

/**
 * Applies a collection's conflict policy to a write the server answered `conflict`. Pure.
 * - `server-wins`: the server's document stays; the local write is dropped.
 * - `client-wins`: the local value is sent again on top of the server's version.
 * - `last-writer-wins`: the local write wins only when it was made strictly after the server's
 *   document was written (`createdAt > current.writtenAt`); a tie goes to the server, so every
 *   client reaches the same answer.
 * - `{ merge }`: `merge(local, remote)` is sent on top of the server's version (null deletes).
 *
 * @throws whatever a custom merge throws.
 */
export function resolveConflict(policy: ConflictPolicy<JsonValue>, write: PendingWrite, current: ServerDoc): ConflictResolution {
  const serverWon: ConflictResolution = {
    policy: 'server-wins',
    decision: 'server-won',
    result: remoteValue(current),
    followUp: false,
  };
  const clientWon: ConflictResolution = {
    policy: 'client-wins',
    decision: 'client-won',
    result: localValue(write),
    followUp: true,
  };
  if (policy === 'server-wins') return serverWon;
  if (policy === 'client-wins') return clientWon;
  if (policy === 'last-writer-wins') {
    const winner = write.createdAt > current.writtenAt ? clientWon : serverWon;
    return { ...winner, policy: 'last-writer-wins' };
  }
  const merged = policy.merge({
    key: write.key,
    local: localValue(write),
    remote: remoteValue(current),
    remoteVersion: current.version,
  });
  return { policy: 'merge', decision: 'merged', result: merged, followUp: true };
}
