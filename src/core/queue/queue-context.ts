import type { Collection } from '../docs/define-collection.ts';

/** What queue operations need from the world, injected so they stay testable. */
export interface QueueContext {
  /** Epoch ms of the operation. */
  readonly now: number;
  /** A fresh 128-bit id as 32 hex digits (write ids, conflict ids). */
  readonly newId: () => string;
  /** The declared collection of that name, or undefined when the app does not declare it. */
  readonly collection: (name: string) => Collection | undefined;
}
