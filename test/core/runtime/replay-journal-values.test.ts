import { describe, expect, test } from 'vitest';
import { replayJournal } from '../../../src/core/runtime/replay-journal.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { OutboxApi } from '../../../src/protocol/outbox-api.ts';

const id = (n: number): string => n.toString(16).padStart(32, 'c');

describe('replayJournal', () => {
  test('replays a value with own __proto__ keys as it was journaled', async () => {
    const values: JsonValue[] = [];
    const api: Pick<OutboxApi, 'put' | 'delete'> = {
      put: async (_c, _k, v, o) => {
        values.push(v);
        return { id: o?.id as never, seq: 1, coalesced: false };
      },
      delete: async () => {
        throw new Error('no deletes here');
      },
    };
    const value = '{"__proto__":{"a":1},"b":[{"__proto__":2}]}';
    const journal = `[{"id":"${id(1)}","c":"notes","k":"a","v":${value},"at":5}]`;
    expect(await replayJournal(api, journal)).toEqual({ done: [id(1)], refused: [] });
    expect(JSON.stringify(values[0])).toBe(value);
  });
});
