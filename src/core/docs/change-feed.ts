import type { DocChange, Unsubscribe } from '../../protocol/outbox-api.ts';

interface Watcher {
  readonly collection: string;
  readonly key: string | undefined;
  readonly listener: (changes: DocChange[]) => void;
}

/**
 * Change notifications: listeners per collection (optionally per key), each called once per
 * committed batch with the changes that concern it. A listener that throws does not stop the
 * others; its error is rethrown on a later microtask so it still shows up.
 */
export class ChangeFeed {
  readonly #watchers = new Set<Watcher>();

  /** Calls `listener` with every later batch of changes to `collection` (or to one key of it). */
  watch(collection: string, listener: (changes: DocChange[]) => void, key?: string | undefined): Unsubscribe {
    const watcher: Watcher = { collection, key, listener };
    this.#watchers.add(watcher);
    return () => {
      this.#watchers.delete(watcher);
    };
  }

  /** Whether any listener watches `collection` (or a key of it): if none does, its changes need not be made. */
  watches(collection: string): boolean {
    for (const watcher of this.#watchers) if (watcher.collection === collection) return true;
    return false;
  }

  /** Delivers changes that have committed. */
  emit(changes: readonly DocChange[]): void {
    if (changes.length === 0) return;
    for (const watcher of [...this.#watchers]) {
      const mine = changes.filter(
        (c) => c.collection === watcher.collection && (watcher.key === undefined || c.key === watcher.key),
      );
      if (mine.length === 0) continue;
      try {
        watcher.listener(mine);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
