import { describe, expect, test } from 'vitest';
import { toJsonSafe } from '../../src/protocol/to-json-safe.ts';

describe('toJsonSafe', () => {
  test('keeps plain JSON as it is', () => {
    const value = { a: [1, 'two', null, true, { b: -0.5 }] };
    expect(toJsonSafe(value)).toEqual(value);
  });

  test('names what JSON cannot hold: bigints, dates, maps, sets, bytes, non-finite numbers, undefined', () => {
    const raw = {
      n: 12n,
      d: new Date(0),
      m: new Map([['k', 1]]),
      s: new Set([1]),
      b: new Uint8Array(3),
      x: Number.NaN,
      u: undefined,
    };
    expect(toJsonSafe(raw)).toEqual({
      n: '12n',
      d: { $date: '1970-01-01T00:00:00.000Z' },
      m: { $map: [['k', 1]] },
      s: { $set: [1] },
      b: { $bytes: 3 },
      x: 'NaN',
      u: { $undefined: true },
    });
    expect(() => JSON.stringify(toJsonSafe(raw))).not.toThrow();
  });

  test('marks a cycle instead of following it, and keeps a value met twice that is no cycle', () => {
    const shared = { k: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(toJsonSafe(cyclic)).toEqual({ shared: { k: 1 }, again: { k: 1 }, self: { $cycle: true } });
  });
});
