import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { z } from 'zod';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore, type LocalStoreOptions } from '../../../src/core/docs/local-store.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';

export const prefs = defineCollection({
  name: 'prefs',
  // `.optional()` fields infer `x?: T | undefined`, which JsonValue rejects under exactOptionalPropertyTypes
  // (see the README gotcha); the runtime schema is what these tests need, so the type is widened here.
  schema: z.object({
    theme: z.enum(['light', 'dark']),
    fontSize: z.number().int().optional(),
  }) as unknown as z.ZodType<JsonValue>,
});
export const notes = defineCollection({ name: 'notes', schema: z.object({ title: z.string(), body: z.string() }) });
export const events = defineCollection({
  name: 'events',
  kind: 'append',
  schema: z.object({ type: z.string(), n: z.number() }),
  maxDocBytes: 200,
});
export const collections = [prefs, notes, events];

const indexedDB = new IDBFactory();

/** Every storage the LocalStore tests run against; each call makes a fresh database. */
export const storages: [string, () => Promise<OutboxStorage>][] = [
  ['memory', async () => createMemoryOutboxStorage('store-test')],
  ['fake-indexeddb', () => openIdbOutboxStorage(`store-${Math.random().toString(36).slice(2)}`, { indexedDB })],
];

/** A deterministic clock and id source for tests. */
export function fixedWorld(start = 1_000) {
  let now = start;
  let n = 0;
  return {
    clock: { now: () => now },
    advance: (ms: number) => {
      now += ms;
    },
    randomId: () => (++n).toString(16).padStart(32, '0'),
  };
}

export function openStore(storage: OutboxStorage, extra: Partial<LocalStoreOptions> = {}): Promise<LocalStore> {
  return LocalStore.open({ storage, collections, ...fixedWorld(), ...extra });
}
