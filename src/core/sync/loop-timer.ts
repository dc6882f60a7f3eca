import type { SyncTimers } from './sync-loop-options.ts';

/** `setTimeout` cannot wait longer than 2^31-1 ms; a longer wait (a far Retry-After) is taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Why the loop's one timer is set. */
export type TimerKind = 'retry' | 'interval' | 'lease';

/** The sync loop's single timer slot: setting it replaces whatever was set. */
export class LoopTimer {
  readonly #timers: SyncTimers;
  #current: { handle: unknown; kind: TimerKind } | undefined;

  constructor(timers: SyncTimers) {
    this.#timers = timers;
  }

  /** What the timer is set for, or undefined. */
  get kind(): TimerKind | undefined {
    return this.#current?.kind;
  }

  /** Calls `fn` after `ms` (negative counts as 0), replacing the timer set before. */
  set(kind: TimerKind, ms: number, fn: () => void): void {
    this.clear();
    const wait = Math.min(Math.max(0, ms), MAX_TIMER_MS);
    const handle = this.#timers.setTimeout(() => {
      if (this.#current?.handle === handle) this.#current = undefined;
      if (wait < ms) this.set(kind, ms - wait, fn);
      else fn();
    }, wait);
    this.#current = { handle, kind };
  }

  clear(): void {
    if (this.#current === undefined) return;
    this.#timers.clearTimeout(this.#current.handle);
    this.#current = undefined;
  }
}
