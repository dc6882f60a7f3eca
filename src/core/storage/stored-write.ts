import type { ClientId, WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import { type ErrorInfo, type PendingWrite, RECORD_VERSION, type WriteOp } from '../../protocol/pending-write.ts';

/**
 * A pending write as the IndexedDB `outbox` store holds it, inside its chunk (outbox-chunk.ts):
 * the {@link PendingWrite} without what the chunk or the schema version already says, and
 * without the fields every new write has:
 * - no `v` (the database's schema version covers the layout);
 * - no `clientId` when it is the chunk's (it is the database's own for every write it queues);
 * - `attempts`, `leaseUntil`, `firstFailedAt` and `lastError` only once they differ from a new
 *   write's `0` / `null`.
 *
 * Why: Chromium stores every field name of every record it is given, so a queue of small writes is
 * mostly field names, and the bytes a transaction writes are what IndexedDB's commit and LevelDB's
 * later compactions cost. This form is about 30% smaller than the full record. Reads turn it back
 * into the full {@link PendingWrite} ({@link fromStoredWrite}); the API never shows it.
 */
export interface StoredWrite {
  seq: number;
  id: string;
  collection: string;
  key: string;
  op: WriteOp;
  baseVersion: number | null;
  createdAt: number;
  size: number;
  attempts?: number;
  leaseUntil?: number;
  firstFailedAt?: number;
  lastError?: ErrorInfo;
  clientId?: string;
  value?: JsonValue;
}

/** The stored form of `write` under `seq`, in a chunk whose writes come from `chunkClientId`. The value is kept by reference. */
export function toStoredWrite(write: Omit<PendingWrite, 'seq'>, seq: number, chunkClientId: string): StoredWrite {
  const { id, collection, key, op, baseVersion, createdAt, size } = write;
  const record: StoredWrite = { seq, id, collection, key, op, baseVersion, createdAt, size };
  if (write.attempts !== 0) record.attempts = write.attempts;
  if (write.leaseUntil !== null) record.leaseUntil = write.leaseUntil;
  if (write.firstFailedAt !== null) record.firstFailedAt = write.firstFailedAt;
  if (write.lastError !== null) record.lastError = write.lastError;
  if (write.clientId !== chunkClientId) record.clientId = write.clientId;
  // Last, so DevTools shows the bookkeeping first; a delete has no `value` key at all.
  if (write.value !== undefined) record.value = write.value;
  return record;
}

/** The full pending write a stored one stands for, in a chunk whose writes come from `chunkClientId`. A fresh object. */
export function fromStoredWrite(stored: StoredWrite, chunkClientId: string): PendingWrite {
  const write: PendingWrite = {
    v: RECORD_VERSION,
    seq: stored.seq,
    id: stored.id as WriteId,
    clientId: (stored.clientId ?? chunkClientId) as ClientId,
    collection: stored.collection,
    key: stored.key,
    op: stored.op,
    baseVersion: stored.baseVersion,
    createdAt: stored.createdAt,
    size: stored.size,
    attempts: stored.attempts ?? 0,
    leaseUntil: stored.leaseUntil ?? null,
    firstFailedAt: stored.firstFailedAt ?? null,
    lastError: stored.lastError ?? null,
  };
  if (stored.value !== undefined) write.value = stored.value;
  return write;
}
