import type { PendingWrite } from '../../protocol/pending-write.ts';
import { type StoredWrite, toStoredWrite } from './stored-write.ts';

/**
 * One record of the IndexedDB `outbox` store: pending writes with consecutive seqs, in seq order,
 * keyed by `firstSeq`. A chunk owns every seq from its `firstSeq` up to the next chunk's, so the
 * chunk holding a seq is the one with the largest `firstSeq` at or below it.
 *
 * A transaction appends its new writes as new chunks of at most {@link CHUNK_WRITES} (and about
 * {@link CHUNK_BYTES}): one record per group of writes instead of one (plus two index entries) per
 * write, which is what lets a group commit cost about one request per write. Each write inside is
 * a plain, readable {@link StoredWrite}: the pending write without the fields its chunk (`clientId`)
 * or a new write's defaults already say, so DevTools → Application → IndexedDB still reads as a queue.
 */
export interface OutboxChunk {
  readonly firstSeq: number;
  /** The client id of its writes (one that differs is kept on that write). */
  readonly clientId: string;
  writes: StoredWrite[];
}

/** Most writes per chunk: big enough to amortise a record, small enough that rewriting one (a lease, an ack) stays cheap. */
export const CHUNK_WRITES = 128;

/**
 * Most estimated bytes per chunk an appending transaction fills (a single bigger write still gets a
 * chunk of its own). Chromium stores a value over 64 KiB as a separate blob file, far slower to
 * write and to read back than a record; this keeps chunks of bigger documents under that line.
 */
export const CHUNK_BYTES = 56 * 1024;

/** Bytes one write adds to its chunk, roughly (on the safe side): its value's JSON size, its key, and about 256 for the other fields. */
export function estimatedBytes(write: Pick<StoredWrite, 'size' | 'key' | 'collection'>): number {
  return write.size + 2 * (write.key.length + write.collection.length) + 256;
}

/** Meta key of the outbox's own state. */
export const OUTBOX_STATE_META_KEY = 'outboxState';

/** The outbox's key generator and change token, kept in meta and updated by every transaction that changes the outbox. */
export interface OutboxState {
  /** The seq the next appended write gets. Never goes back, even after deletes. */
  readonly nextSeq: number;
  /** Random; replaced on every change to the outbox, so a connection can tell whether its in-memory index is current. */
  readonly token: string;
}

/** Whether a stored meta value is a usable {@link OutboxState}. */
export function isOutboxState(value: unknown): value is OutboxState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isSafeInteger(v.nextSeq) && (v.nextSeq as number) >= 1 && typeof v.token === 'string';
}

/** Index of the write with `seq` in a chunk's seq-ordered writes, or where it would go (binary search). */
export function positionIn(chunk: OutboxChunk, seq: number): { readonly at: number; readonly found: boolean } {
  let lo = 0;
  let hi = chunk.writes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((chunk.writes[mid] as StoredWrite).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return { at: lo, found: chunk.writes[lo]?.seq === seq };
}

/** Splits seq-ordered writes into stored chunks of at most {@link CHUNK_WRITES} (used by the schema upgrade and by tests). */
export function toChunks(writes: readonly PendingWrite[]): OutboxChunk[] {
  const chunks: OutboxChunk[] = [];
  for (let i = 0; i < writes.length; i += CHUNK_WRITES) {
    const part = writes.slice(i, i + CHUNK_WRITES);
    const first = part[0] as PendingWrite;
    chunks.push({
      firstSeq: first.seq,
      clientId: first.clientId,
      writes: part.map((w) => toStoredWrite(w, w.seq, first.clientId)),
    });
  }
  return chunks;
}
