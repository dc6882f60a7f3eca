import type { OutboxStorage } from '../storage/outbox-storage.ts';

/** Writes read per request while looking for leases. */
const PAGE = 100;

/**
 * Clears every lease in the outbox, in one transaction, and returns how many writes held one.
 * Call it only on acquiring the sync lock: only the lock holder claims writes, and its runner
 * claims nothing before this, so every lease found then belongs to a runner that is gone (its
 * tab reloaded, closed or crashed; the browser frees a dead holder's lock). Without this, the
 * dead runner's batch would block the queue until its lease ran out. Whatever of that batch the
 * server did receive is answered `duplicate` when it is sent again.
 *
 * Leases only ever sit on the oldest writes: a claim takes the oldest writes in the outbox (every
 * write before them has been settled or dead-lettered) and stops at the first leased one. So
 * the walk ends at the first write without a lease, and costs one read when there is none.
 */
export function takeOverLeases(storage: OutboxStorage): Promise<number> {
  return storage.transact('readwrite', async (tx) => {
    let taken = 0;
    let afterSeq = 0;
    for (;;) {
      const page = await tx.listWrites(afterSeq, PAGE);
      const free = page.findIndex((write) => write.leaseUntil === null);
      const run = free === -1 ? page : page.slice(0, free);
      await Promise.all(run.map((write) => tx.putWrite({ ...write, leaseUntil: null })));
      taken += run.length;
      const last = page.at(-1);
      if (free !== -1 || page.length < PAGE || last === undefined) return taken;
      afterSeq = last.seq;
    }
  });
}
