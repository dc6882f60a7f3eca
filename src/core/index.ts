/**
 * `outbox/core`: the environment-agnostic core, for custom runtimes (an extension's background
 * worker, a test harness, another transport). Apps normally use `outbox` (page) together with
 * `outbox/worker` and `outbox/sw`, which build exactly this.
 */
export type {
  Collection,
  CollectionKind,
  CollectionOptions,
  ConflictPolicy,
  DocOf,
  MergeInput,
} from './docs/define-collection.ts';
export { defineCollection } from './docs/define-collection.ts';
export type { LocalStoreOptions } from './docs/local-store.ts';
export { LocalStore } from './docs/local-store.ts';
export { DEFAULT_LEASE_MS, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_BATCH_COUNT } from './queue/claim-batch.ts';
export { DEFAULT_RETENTION_MS } from './queue/expire-retention.ts';
export type { BackoffPolicy } from './retry/next-delay-ms.ts';
export { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS, nextDelayMs } from './retry/next-delay-ms.ts';
export type { OutboxCore, OutboxCoreOptions } from './runtime/open-outbox-core.ts';
export { openOutboxCore } from './runtime/open-outbox-core.ts';
export type { IdbOutboxStorageOptions } from './storage/idb-outbox-storage.ts';
export { openIdbOutboxStorage } from './storage/idb-outbox-storage.ts';
export { createMemoryOutboxStorage } from './storage/memory-outbox-storage.ts';
export type { OutboxStorage, StorageTx } from './storage/outbox-storage.ts';
export type { FetchTransportOptions } from './sync/fetch-transport.ts';
export { createFetchTransport } from './sync/fetch-transport.ts';
export { SyncLoop } from './sync/sync-loop.ts';
export type { SyncLoopOptions } from './sync/sync-loop-options.ts';
export type { SyncPolicy } from './sync/sync-policy.ts';
export { DEFAULT_SYNC_POLICY } from './sync/sync-policy.ts';
export type { SyncTransport } from './sync/sync-transport.ts';
