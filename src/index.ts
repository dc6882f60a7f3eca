/**
 * The one public page entry. Page code gets the client, the error type and the types;
 * validation, IndexedDB and sync live in the worker (`outbox/core`, `worker/worker.ts`).
 */
export { createOutbox, DEFAULT_CALL_TIMEOUT_MS } from './client/create-outbox.ts';
export type { CollectionName, CollectionTypes, CreateOutboxOptions, Outbox, StatusView } from './client/outbox.ts';
export type { PendingDatabase } from './core/runtime/list-pending-databases.ts';
export { OUTBOX_SYNC_TAG } from './core/runtime/worker-rpc.ts';
export type { ErrorCode } from './error-messages.ts';
export type { ErrorDetails } from './error-text.ts';
// The class without the full message table: errors from the worker arrive with their text.
export { isOutboxError, OutboxError } from './outbox-error.ts';
export type { ConflictRecord } from './protocol/conflict-record.ts';
export type { DeadLetter, DeadLetterReason } from './protocol/dead-letter.ts';
export type { ClientId, WriteId } from './protocol/ids.ts';
export type { JsonValue } from './protocol/json-value.ts';
export type {
  ClearResult,
  DocChange,
  DocSnapshot,
  ImportReport,
  ListOptions,
  ListPage,
  OutboxApi,
  Unsubscribe,
  WriteReceipt,
} from './protocol/outbox-api.ts';
export type { ErrorInfo, PendingWrite } from './protocol/pending-write.ts';
export type { QuarantineCode, QuarantinedRecord, QuarantineSource } from './protocol/quarantined-record.ts';
export type { SyncPhase, SyncStatus } from './protocol/sync-status.ts';
export { INITIAL_SYNC_STATUS } from './protocol/sync-status.ts';
