import { z } from 'zod';
import { type Collection, type ConflictPolicy, defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import { SyncLoop } from '../../../src/core/sync/sync-loop.ts';
import type { SyncTimers } from '../../../src/core/sync/sync-loop-options.ts';
import type { SyncPolicy } from '../../../src/core/sync/sync-policy.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import type { SyncStatus } from '../../../src/protocol/sync-status.ts';
import { FakeSyncServer } from '../../support/fake-sync-server.ts';

/** Epoch ms every harness starts at. */
export const T0 = 1_700_000_000_000;

/** A clock and timers that move only when told to. */
export class FakeClock implements SyncTimers {
  time = T0;

  now(): number {
    return this.time;
  }

  #next = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Due times of the timers still set, relative to now. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Fires the earliest timer due at or before `until`, moving the clock to it. */
  fireNext(until: number): boolean {
    let first: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of this.#timers)
      if (entry[1].at <= until && (first === undefined || entry[1].at < first[1].at)) first = entry;
    if (first === undefined) return false;
    this.#timers.delete(first[0]);
    this.time = Math.max(this.time, first[1].at);
    first[1].fn();
    return true;
  }
}

const noteSchema = z.object({ text: z.string() }).strict() as z.ZodType<JsonValue>;

export interface HarnessOptions {
  readonly policy?: Partial<SyncPolicy>;
  readonly conflict?: ConflictPolicy<JsonValue>;
  readonly random?: () => number;
  readonly auth?: { refresh(): Promise<boolean> };
  readonly visible?: boolean;
  readonly coalesce?: boolean;
  /** Default: a fresh memory storage. */
  readonly storage?: OutboxStorage;
}

/** One client: memory storage, a real LocalStore, the loop, a fake server and a fake clock. */
export async function createHarness(options: HarnessOptions = {}) {
  const clock = new FakeClock();
  const storage = options.storage ?? createMemoryOutboxStorage(`sync-${Math.random()}`);
  let ids = 0;
  const newId = () => (++ids).toString(16).padStart(32, '0');
  const notes: Collection = defineCollection({
    name: 'notes',
    schema: noteSchema,
    coalesce: options.coalesce ?? false,
    ...(options.conflict === undefined ? {} : { conflict: options.conflict }),
  });
  const store = await LocalStore.open({ storage, collections: [notes], clock, randomId: newId });
  const server = new FakeSyncServer(() => clock.time);
  const loop = new SyncLoop({
    storage,
    store,
    transport: server,
    clock,
    timers: clock,
    random: options.random ?? (() => 0.5),
    newId,
    policy: { pullIntervalMs: 60_000, ...options.policy },
    auth: options.auth,
    visible: options.visible ?? false,
  });
  store.onWritesCommitted(() => loop.kick());
  const remote: DocChange[] = [];
  store.watch('notes', (changes) => remote.push(...changes.filter((c) => c.source === 'remote')));
  const statuses: SyncStatus[] = [];
  loop.subscribe((s) => statuses.push(s));

  return {
    clock,
    storage,
    store,
    server,
    loop,
    remote,
    statuses,
    /** Puts notes `k<i>` with text `v<i>`, one per call, and waits for the loop to settle. */
    async put(key: string, text: string) {
      const receipt = await store.put('notes', key, { text });
      await loop.whenIdle();
      return receipt;
    },
    /** Moves the fake clock forward, firing due timers one by one and letting the loop settle after each. */
    async advance(ms: number) {
      const until = clock.time + ms;
      await loop.whenIdle();
      for (let i = 0; i < 10_000 && clock.fireNext(until); i++) await loop.whenIdle();
      clock.time = until;
    },
    async outbox() {
      return storage.transact('readonly', (tx) => tx.listWrites(0, 10_000));
    },
    async deadLetters() {
      return storage.transact('readonly', (tx) => tx.listDeadLetters());
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
