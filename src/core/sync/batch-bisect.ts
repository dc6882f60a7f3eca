/**
 * Codes of a 400 that refuses a whole batch for what one (or a few) of its writes hold: the
 * batch is split to find them, so only they are dead-lettered, never their valid neighbours.
 */
export const SPLITTABLE_REFUSAL_CODES: ReadonlySet<string> = new Set([
  'invalid-request',
  'unknown-field',
  'malformed-json',
  'too-many-writes',
]);

/**
 * Bisection over the oldest writes of the outbox after the server refused a batch whole
 * (see {@link SPLITTABLE_REFUSAL_CODES}). Pure bookkeeping: the push pass asks for the next
 * claim's count and reports what became of each batch.
 *
 * `suspect` counts the oldest writes known to hold at least one refused write. A refused batch
 * of n > 1 makes those n suspect and the next batch half of them; an accepted batch shortens the
 * suspect run by its length, and what remains still holds a refused write, so it is halved again;
 * a refused single write is the culprit (dead-lettered alone), after which nothing is known and
 * batches are full size again. k refused writes among n cost about k·log2(n) extra requests.
 */
export class BatchBisect {
  #suspect = 0;

  /** Most writes the next batch may hold (`full` when nothing is suspect). */
  limit(full: number): number {
    return this.#suspect === 0 ? full : Math.min(full, Math.ceil(this.#suspect / 2));
  }

  /** Whether a bisection is under way (a refused batch is being narrowed down). */
  get active(): boolean {
    return this.#suspect > 0;
  }

  /** A batch of `count` writes was refused whole; returns whether it should be split (count > 1). */
  refused(count: number): boolean {
    if (count <= 1) {
      this.#suspect = 0;
      return false;
    }
    this.#suspect = count;
    return true;
  }

  /** A batch of `count` writes was answered write by write. */
  accepted(count: number): void {
    this.#suspect = Math.max(0, this.#suspect - count);
  }
}
