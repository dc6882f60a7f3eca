import type { LockPort } from './runtime-ports.ts';

/**
 * Holds the Web Lock `name` for as long as this context lives (or until `release`), calling
 * `onAcquired` once it is granted. Every tab's worker queues for the same lock; when the
 * holder's tab closes, the browser grants it to the next one in line.
 */
export class Leadership {
  #release: (() => void) | undefined;
  #held = false;
  #released = false;
  readonly done: Promise<void>;

  constructor(locks: LockPort, name: string, onAcquired: () => Promise<void> | void) {
    this.done = locks
      .request(name, {}, async () => {
        if (this.#released) return;
        this.#held = true;
        const hold = new Promise<void>((resolve) => {
          this.#release = resolve;
        });
        await onAcquired();
        await hold;
      })
      .catch(() => {
        // The request is aborted when the context dies; nothing to hand over.
      });
  }

  /** Whether this context holds the lock (and so runs the sync loop). */
  get held(): boolean {
    return this.#held && !this.#released;
  }

  /** Lets the lock go (or stops waiting for it). */
  release(): void {
    this.#released = true;
    this.#release?.();
  }
}
