import type { WriteId } from '../../protocol/ids.ts';
import type { DocChange } from '../../protocol/outbox-api.ts';
import { type PendingWrite, RECORD_VERSION } from '../../protocol/pending-write.ts';
import type { ServerDoc } from '../../protocol/push-messages.ts';
import type { Collection } from '../docs/define-collection.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import { jsonBytes } from './json-bytes.ts';
import type { QueueContext } from './queue-context.ts';
import type { ConflictResolution } from './resolve-conflict.ts';

/**
 * Puts a conflict decision into the local document (with the server's version) inside `tx`,
 * and adds a `remote` change to `changes` when the visible value changed.
 */
export async function applyResolution(
  tx: StorageTx,
  write: PendingWrite,
  resolution: ConflictResolution,
  current: ServerDoc,
  collection: Collection,
  now: number,
  changes: DocChange[],
): Promise<void> {
  const { collection: name, key } = write;
  const doc = await tx.getDoc(name, key);
  if (resolution.result === null) {
    if (doc === undefined) return;
    await tx.deleteDoc(name, key);
    changes.push({ collection: name, key, op: 'delete', value: undefined, source: 'remote' });
    return;
  }
  const value = resolution.result;
  const changed = doc === undefined || JSON.stringify(doc.value) !== JSON.stringify(value);
  await tx.putDoc({
    collection: name,
    key,
    value,
    version: current.version,
    schemaVersion: doc?.schemaVersion ?? collection.version,
    updatedAt: changed ? now : (doc?.updatedAt ?? now),
  });
  if (changed) changes.push({ collection: name, key, op: 'put', value, source: 'remote' });
}

/** The new write that carries a client-won or merged decision, based on the server's version. */
export function followUpWrite(
  write: PendingWrite,
  resolution: ConflictResolution,
  current: ServerDoc,
  ctx: QueueContext,
): Omit<PendingWrite, 'seq'> {
  const base = {
    v: RECORD_VERSION,
    id: ctx.newId() as WriteId,
    clientId: write.clientId,
    collection: write.collection,
    key: write.key,
    baseVersion: current.version,
    // A re-sent local value keeps its time, so last-writer-wins stays honest; a merge is new.
    createdAt: resolution.decision === 'client-won' ? write.createdAt : ctx.now,
    attempts: 0,
    leaseUntil: null,
    firstFailedAt: null,
    lastError: null,
  } as const;
  if (resolution.result === null) return { ...base, op: 'delete', size: 0 };
  return { ...base, op: 'put', value: resolution.result, size: jsonBytes(resolution.result) };
}
