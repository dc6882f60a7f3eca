import type { WriteId } from '../../protocol/ids.ts';
import { type PendingWrite, RECORD_VERSION } from '../../protocol/pending-write.ts';
import type { ServerDoc } from '../../protocol/push-messages.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from '../docs/define-collection.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import { jsonBytes } from './json-bytes.ts';
import type { QueueContext } from './queue-context.ts';
import type { ConflictResolution } from './resolve-conflict.ts';

/** What {@link applyResolution} needs besides the transaction. */
export interface ResolutionInput {
  readonly write: PendingWrite;
  readonly resolution: ConflictResolution;
  readonly current: ServerDoc;
  readonly collection: Collection;
  /** The local document as the transaction has it at this point (earlier requests of the batch included). */
  readonly doc: StoredDoc | undefined;
  readonly now: number;
}

/**
 * Puts a conflict decision into the local document (with the server's version) inside `tx`.
 *
 * Issues its request at once without awaiting it, so a batch stays pipelined: returns the
 * document as it will be after the request, and the request to await (with the others).
 */
export function applyResolution(
  tx: StorageTx,
  input: ResolutionInput,
): { readonly doc: StoredDoc | undefined; readonly done: Promise<void> } {
  const { write, resolution, current, collection, doc, now } = input;
  const { collection: name, key } = write;
  if (resolution.result === null) {
    if (doc === undefined) return { doc, done: Promise.resolve() };
    return { doc: undefined, done: tx.deleteDoc(name, key) };
  }
  const value = resolution.result;
  const changed = doc === undefined || JSON.stringify(doc.value) !== JSON.stringify(value);
  const next: StoredDoc = {
    collection: name,
    key,
    value,
    version: current.version,
    schemaVersion: doc?.schemaVersion ?? collection.version,
    updatedAt: changed ? now : (doc?.updatedAt ?? now),
  };
  return { doc: next, done: tx.putDoc(next) };
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
