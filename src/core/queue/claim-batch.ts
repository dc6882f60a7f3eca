import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';

/** Default most writes per push. */
export const DEFAULT_MAX_BATCH_COUNT = 500;
/** Default most bytes per push (1 MiB), estimated with {@link estimateWireBytes}. */
export const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;
/** Default lease on claimed writes: a runner that dies mid-push frees them after this long, in milliseconds. */
export const DEFAULT_LEASE_MS = 60_000;

/** JSON envelope of one wire write besides its value (ids, seq, key, op, versions), in bytes; an upper estimate. */
const WIRE_OVERHEAD_BYTES = 200;
/** Most writes read per request while picking a batch. */
const PAGE = 500;

export interface ClaimOptions {
  readonly now: number;
  readonly leaseMs: number;
  readonly maxCount: number;
  readonly maxBytes: number;
  /**
   * Start after this seq (default 0). Within one push pass, every write up to the last settled
   * batch has left the outbox, so reading from 0 again would only walk over the deleted entries
   * (IndexedDB's LevelDB keeps them as tombstones until compaction: a cost that grows with the drain).
   */
  readonly afterSeq?: number | undefined;
}

export interface ClaimedBatch {
  /** Oldest first; empty when nothing can be sent now. */
  readonly writes: PendingWrite[];
  /** When the oldest write is leased by another (possibly dead) runner: when that lease ends. */
  readonly blockedUntil: number | undefined;
}

/** Bytes one write adds to a push body (value size plus an envelope estimate). */
export function estimateWireBytes(write: PendingWrite): number {
  return write.size + write.key.length * 3 + write.collection.length + WIRE_OVERHEAD_BYTES;
}

/**
 * Claims the oldest pending writes for one push, in one transaction: at most `maxCount`
 * writes and `maxBytes` (a single larger write still goes alone), each stamped with
 * `leaseUntil = now + leaseMs` and one more attempt.
 *
 * The batch stops at the first write whose lease is still valid rather than skipping it:
 * the server requires each client's writes in ascending `seq`, so sending a later write
 * first would make the leased one stale (`stale-sequence`) once its lease ends.
 */
export function claimBatch(storage: OutboxStorage, options: ClaimOptions): Promise<ClaimedBatch> {
  return storage.transact('readwrite', async (tx) => {
    const picked = await pickWrites(tx, options);
    const writes = picked.writes.map((write) => ({
      ...write,
      leaseUntil: options.now + options.leaseMs,
      attempts: write.attempts + 1,
    }));
    // Every put issued at once and awaited together: one round trip per write would cap the drain.
    await Promise.all(writes.map((write) => tx.putWrite(write)));
    return { writes, blockedUntil: picked.blockedUntil };
  });
}

async function pickWrites(tx: StorageTx, options: ClaimOptions): Promise<ClaimedBatch> {
  const writes: PendingWrite[] = [];
  let bytes = 0;
  let afterSeq = options.afterSeq ?? 0;
  for (;;) {
    // Only what the batch can still take, so a usual batch is one bounded read.
    const limit = Math.max(1, Math.min(PAGE, options.maxCount - writes.length));
    const page = await tx.listWrites(afterSeq, limit);
    for (const write of page) {
      if (write.leaseUntil !== null && write.leaseUntil > options.now) {
        return { writes, blockedUntil: writes.length === 0 ? write.leaseUntil : undefined };
      }
      const size = estimateWireBytes(write);
      if (writes.length > 0 && bytes + size > options.maxBytes) return { writes, blockedUntil: undefined };
      writes.push(write);
      bytes += size;
      if (writes.length >= options.maxCount) return { writes, blockedUntil: undefined };
    }
    const last = page.at(-1);
    if (page.length < limit || last === undefined) return { writes, blockedUntil: undefined };
    afterSeq = last.seq;
  }
}
