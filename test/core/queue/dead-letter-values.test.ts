import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { retryDeadLetter } from '../../../src/core/queue/dead-letters.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import { jsonValueSchema, MAX_VALUE_DEPTH } from '../../../src/protocol/json-value.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { makeDeadLetter, makeWrite } from '../../contracts/storage-fixtures.ts';
import { nested } from '../../support/json-arbitraries.ts';

// A zod record: its output leaves `__proto__` out unless the store restores it.
const any = defineCollection({ name: 'any', schema: z.record(z.string(), jsonValueSchema) });
let n = 0;
const ctx = { now: 5_000, newId: () => (++n).toString(16).padStart(32, '0'), collection: () => any };

async function storageWithDeadLetter() {
  const storage = createMemoryOutboxStorage(`dead-${Math.random()}`);
  const write = { ...makeWrite('any', 'k'), seq: 1 } as PendingWrite;
  await storage.transact('readwrite', (tx) => tx.putDeadLetter(makeDeadLetter(write, 1_000)));
  return { storage, id: write.id as WriteId };
}

describe('retryDeadLetter with an edited value', () => {
  test('keeps own __proto__ keys of the edited value', async () => {
    const { storage, id } = await storageWithDeadLetter();
    const text = '{"__proto__":{"a":1},"b":[{"__proto__":2}]}';
    await retryDeadLetter(storage, id, { value: JSON.parse(text) }, ctx);
    const [write] = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    expect(JSON.stringify(write?.value)).toBe(text);
    expect(write?.size).toBe(text.length);
  });

  test('refuses an edited value nested too deep with value-too-deep and keeps the dead letter', async () => {
    const { storage, id } = await storageWithDeadLetter();
    for (const depth of [MAX_VALUE_DEPTH + 1, 100_000]) {
      const e = await rejectionOf(retryDeadLetter(storage, id, { value: nested(depth, 'array') }, ctx));
      expect(e.code).toBe('value-too-deep');
    }
    expect(await storage.transact('readonly', (tx) => tx.listDeadLetters())).toHaveLength(1);
    expect(await storage.transact('readonly', (tx) => tx.countWrites())).toBe(0);
  });
});
