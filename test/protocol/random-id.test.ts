import { describe, expect, test } from 'vitest';
import { randomId } from '../../src/protocol/ids.ts';

describe('randomId', () => {
  test('gives 32 hex digits, never the same twice across many refills of its random pool', () => {
    const ids = Array.from({ length: 5_000 }, () => randomId());
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('draws fresh bytes for every id, so hex digits come out evenly spread', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) for (const digit of randomId()) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    // 64,000 digits over 16 values: each near 4,000; a pool reused or left zeroed would skew this badly.
    for (const digit of '0123456789abcdef') expect(counts.get(digit) ?? 0).toBeGreaterThan(3_000);
  });

  test('uses an injected random source when given one', () => {
    expect(randomId((bytes) => bytes.fill(0xab))).toBe('ab'.repeat(16));
  });
});
