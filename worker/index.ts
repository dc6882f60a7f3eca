/** The dedicated worker's entry (`outbox/worker`): import it in your own worker file. */
export { type OutboxWorkerOptions, startOutboxWorker } from './worker.ts';
export { exposeOutbox, toWorkerRpc } from './expose-outbox.ts';
export { defineCollection } from '../src/core/docs/define-collection.ts';
export type { Collection, CollectionOptions } from '../src/core/docs/define-collection.ts';
