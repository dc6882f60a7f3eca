import { OutboxError } from '../../errors.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';

interface Waiter {
  /** Every write with seq ≤ maxSeq must leave the outbox (0: none). */
  readonly maxSeq: number;
  /** Writes tracked by id: the one of whenSynced, and writes that replaced tracked ones. */
  readonly ids: Set<string>;
  readonly resolve: () => void;
  readonly reject: (error: OutboxError) => void;
}

/**
 * The promises of `flush()` and `whenSynced()`. A waiter resolves once its writes have left the
 * outbox acknowledged, follows a write to the new write that replaced it after a conflict, and
 * rejects with `dead-lettered` as soon as one of its writes becomes a dead letter.
 */
export class SyncWaiters {
  readonly #waiters = new Set<Waiter>();

  get size(): number {
    return this.#waiters.size;
  }

  /** Waits for writes up to `maxSeq` and the writes in `ids`. */
  add(maxSeq: number, ids: readonly string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiters.add({ maxSeq, ids: new Set(ids), resolve, reject });
    });
  }

  /** A write left the outbox for a new one (client-won or merged conflict). */
  replaced(from: { readonly id: string; readonly seq: number }, to: string): void {
    for (const w of this.#waiters) if (w.ids.has(from.id) || from.seq <= w.maxSeq) w.ids.add(to);
  }

  /** Rejects every waiter that includes one of these dead letters. */
  deadLettered(letters: readonly DeadLetter[]): void {
    for (const w of [...this.#waiters]) {
      const hit = letters.filter((l) => w.ids.has(l.id) || l.write.seq <= w.maxSeq);
      if (hit.length === 0) continue;
      this.#waiters.delete(w);
      w.reject(new OutboxError('dead-lettered', { count: hit.length, writeIds: hit.map((l) => l.id) }));
    }
  }

  /** Resolves the waiters whose writes have all left the outbox (rejects those found dead-lettered). */
  async check(storage: OutboxStorage): Promise<void> {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    const outcome = await storage.transact('readonly', async (tx) => {
      const oldest = (await tx.listWrites(0, 1))[0]?.seq ?? Number.POSITIVE_INFINITY;
      const dead: DeadLetter[] = [];
      for (const w of waiters) {
        for (const id of [...w.ids]) {
          if ((await tx.getWriteById(id)) !== undefined) continue;
          const letter = await tx.getDeadLetter(id);
          if (letter === undefined) w.ids.delete(id);
          else dead.push(letter);
        }
      }
      return { oldest, dead };
    });
    this.deadLettered(outcome.dead);
    for (const w of waiters) {
      if (!this.#waiters.has(w) || w.ids.size > 0 || outcome.oldest <= w.maxSeq) continue;
      this.#waiters.delete(w);
      w.resolve();
    }
  }

  /** Rejects every waiter (auth required, closed). */
  rejectAll(error: OutboxError): void {
    const all = [...this.#waiters];
    this.#waiters.clear();
    for (const w of all) w.reject(error);
  }
}
