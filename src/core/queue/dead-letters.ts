import { OutboxError } from '../../errors.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { DocChange, WriteReceipt } from '../../protocol/outbox-api.ts';
import { type PendingWrite, RECORD_VERSION } from '../../protocol/pending-write.ts';
import type { Collection } from '../docs/define-collection.ts';
import { readDocChanges } from '../docs/read-doc-changes.ts';
import { parseValue } from '../docs/validate-write.ts';
import { isCount } from '../storage/meta-guards.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import { deadLetterWrite } from './dead-letter-write.ts';
import { jsonBytes } from './json-bytes.ts';
import type { QueueContext } from './queue-context.ts';

/** Meta key of the count of writes discarded on purpose (shown as `status.discarded`). */
export const DISCARDED_META_KEY = 'discarded';

/** Every dead letter, oldest first. */
export function listDeadLetters(storage: OutboxStorage): Promise<DeadLetter[]> {
  return storage.transact('readonly', (tx) => tx.listDeadLetters());
}

/** What retrying a dead letter produced: the new write, and the local change to emit after the commit. */
export interface RetryResult {
  readonly receipt: WriteReceipt;
  readonly change: DocChange;
}

/**
 * Puts a dead letter back into the outbox as a NEW write (new id, new seq, based on the
 * document's current version), optionally with an edited value validated by the collection's
 * schema, and applies it to the local document. One transaction; the dead letter is removed
 * only with it.
 *
 * @throws OutboxError `not-found` (no such dead letter), `unknown-collection`, `value-too-deep`, `invalid-value`, `too-large`.
 */
export function retryDeadLetter(
  storage: OutboxStorage,
  id: WriteId,
  edited: { readonly value: JsonValue } | undefined,
  ctx: QueueContext,
): Promise<RetryResult> {
  return storage.transact('readwrite', async (tx) => {
    const letter = await tx.getDeadLetter(id);
    if (letter === undefined) throw new OutboxError('not-found', { kind: 'dead letter', id });
    const { collection: name, key } = letter.write;
    const collection = ctx.collection(name);
    if (collection === undefined) throw new OutboxError('unknown-collection', { collection: name });
    const value = edited === undefined ? letter.write.value : checkValue(collection, key, edited.value);
    const op = edited === undefined ? letter.write.op : 'put';
    const doc = await tx.getDoc(name, key);
    // A retry is a new write: new id, and (by leaving `seq` out) the next sequence.
    const { seq: _oldSeq, ...previous } = letter.write;
    const write: Omit<PendingWrite, 'seq'> = {
      ...previous,
      v: RECORD_VERSION,
      id: ctx.newId() as WriteId,
      op,
      baseVersion: doc?.version ?? letter.write.baseVersion,
      createdAt: ctx.now,
      size: op === 'put' ? jsonBytes(value) : 0,
      attempts: 0,
      leaseUntil: null,
      firstFailedAt: null,
      lastError: null,
    };
    if (op === 'delete') delete write.value;
    else write.value = value;
    const seq = await tx.addWrite(write);
    await tx.deleteDeadLetter(id);
    await applyLocally(tx, write, collection, doc?.version ?? null, ctx.now);
    const [change] = await readDocChanges(tx, [{ collection: name, key }], 'local');
    return { receipt: { id: write.id, seq, coalesced: false }, change: change as DocChange };
  });
}

/** An edited value passes the checks a put's value does (depth, schema with own `__proto__` keys kept, size). */
function checkValue(collection: Collection, key: string, value: JsonValue): JsonValue {
  const parsed = parseValue(collection, key, value);
  const bytes = jsonBytes(parsed);
  if (bytes > collection.maxDocBytes) {
    throw new OutboxError('too-large', { collection: collection.name, key, bytes, limit: collection.maxDocBytes });
  }
  return parsed;
}

async function applyLocally(
  tx: StorageTx,
  write: Omit<PendingWrite, 'seq'>,
  collection: Collection,
  version: number | null,
  now: number,
): Promise<void> {
  const { collection: name, key } = write;
  if (write.op === 'delete' || write.value === undefined) return tx.deleteDoc(name, key);
  return tx.putDoc({ collection: name, key, value: write.value, version, schemaVersion: collection.version, updatedAt: now });
}

/**
 * Deletes a dead letter for good and counts it in meta `discarded`.
 * @throws OutboxError `not-found`.
 */
export function discardDeadLetter(storage: OutboxStorage, id: WriteId): Promise<void> {
  return storage.transact('readwrite', async (tx) => {
    if ((await tx.getDeadLetter(id)) === undefined) throw new OutboxError('not-found', { kind: 'dead letter', id });
    await tx.deleteDeadLetter(id);
    await tx.putMeta(DISCARDED_META_KEY, ((await tx.getMeta(DISCARDED_META_KEY, isCount)) ?? 0) + 1);
  });
}

/** What discarding a pending write produced: its dead letter, and its document's new snapshot to emit after the commit. */
export interface DiscardResult {
  readonly letter: DeadLetter;
  readonly change: DocChange;
}

/**
 * Moves a pending write to the dead-letter store with reason `discarded-by-user`, so that
 * nothing is lost silently; discard the dead letter to delete it for good.
 * @throws OutboxError `not-found`.
 */
export function discardPending(storage: OutboxStorage, id: WriteId, now: number): Promise<DiscardResult> {
  return storage.transact('readwrite', async (tx) => {
    const write = await tx.getWriteById(id);
    if (write === undefined) throw new OutboxError('not-found', { kind: 'pending write', id });
    const e = new OutboxError('discarded-by-user', { writeId: id, collection: write.collection, key: write.key });
    const letter = await deadLetterWrite(tx, write, 'discarded-by-user', { code: e.code, message: e.message }, now);
    const [change] = await readDocChanges(tx, [write], 'local');
    return { letter, change: change as DocChange };
  });
}
