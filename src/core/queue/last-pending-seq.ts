import type { OutboxStorage } from '../storage/outbox-storage.ts';

const PAGE = 500;

/** The highest seq in the outbox, 0 when it is empty. */
export function lastPendingSeq(storage: OutboxStorage): Promise<number> {
  return storage.transact('readonly', async (tx) => {
    let last = 0;
    for (let page = await tx.listWrites(0, PAGE); page.length > 0; page = await tx.listWrites(last, PAGE)) {
      last = page.at(-1)?.seq ?? last;
    }
    return last;
  });
}
