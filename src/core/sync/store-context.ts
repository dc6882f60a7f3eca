import type { QueueContext } from '../queue/queue-context.ts';
import type { SyncStore } from './sync-loop-options.ts';

/** A {@link QueueContext} over the document store: an unknown collection reads as undefined, not a throw. */
export function storeContext(store: SyncStore, now: number, newId: () => string): QueueContext {
  return {
    now,
    newId,
    collection: (name) => {
      try {
        return store.collection(name);
      } catch {
        return undefined;
      }
    },
  };
}
