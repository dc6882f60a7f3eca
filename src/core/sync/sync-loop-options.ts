import type { ClientId } from '../../protocol/ids.ts';
import type { DocChange } from '../../protocol/outbox-api.ts';
import type { Collection } from '../docs/define-collection.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { SyncPolicy } from './sync-policy.ts';
import type { SyncTransport } from './sync-transport.ts';

/** The document store as the loop sees it (`LocalStore` fits). */
export interface SyncStore {
  readonly clientId: ClientId;
  /** The declared collection; may throw `unknown-collection`. */
  collection(name: string): Collection;
  /** Tells watchers about changes, after the transaction that made them committed. */
  emitChanges(changes: DocChange[]): void;
}

/** Timers as `setTimeout`/`clearTimeout` (the globals fit; tests pass fakes). */
export interface SyncTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncLoopOptions {
  readonly storage: OutboxStorage;
  readonly store: SyncStore;
  readonly transport: SyncTransport;
  readonly clock: { now(): number };
  readonly timers: SyncTimers;
  /** Uniform in [0, 1), for backoff jitter. */
  readonly random: () => number;
  /** 128-bit ids as 32 hex digits for new writes and conflict records; default crypto random. */
  readonly newId?: (() => string) | undefined;
  readonly policy?: Partial<SyncPolicy> | undefined;
  /** Called once after a 401; resolve true when credentials were refreshed and the request should be repeated. */
  readonly auth?: { refresh(): Promise<boolean> } | undefined;
  /** Whether a page is visible at start (interval pulls run only while visible); default true. */
  readonly visible?: boolean | undefined;
}

export type { SyncPolicy };
