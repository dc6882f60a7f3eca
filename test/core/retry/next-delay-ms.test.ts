import { describe, expect, test } from 'vitest';
import { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS, nextDelayMs } from '../../../src/core/retry/next-delay-ms.ts';

const policy = { baseMs: DEFAULT_BASE_DELAY_MS, capMs: DEFAULT_MAX_DELAY_MS };
const justBelowOne = 1 - Number.EPSILON;

describe('nextDelayMs', () => {
  test('returns 0 when random() is 0, at any attempt', () => {
    expect([0, 1, 5, 30].map((a) => nextDelayMs(a, policy, () => 0))).toEqual([0, 0, 0, 0]);
  });

  test('doubles the jitter ceiling with each attempt', () => {
    const ceilings = [0, 1, 2, 3, 4].map((a) => nextDelayMs(a, policy, () => justBelowOne) + 1);
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  test('scales linearly with random() inside the window (full jitter)', () => {
    expect(nextDelayMs(3, policy, () => 0.5)).toBe(4_000);
    expect(nextDelayMs(3, policy, () => 0.25)).toBe(2_000);
  });

  test('never exceeds the cap, however many attempts', () => {
    for (const attempt of [8, 9, 20, 1_000, Number.MAX_SAFE_INTEGER]) {
      expect(nextDelayMs(attempt, policy, () => justBelowOne)).toBeLessThan(DEFAULT_MAX_DELAY_MS);
    }
    expect(nextDelayMs(1_000, policy, () => 0.5)).toBe(150_000);
  });

  test('stays within [0, min(cap, base * 2^attempt)) for many random draws', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(DEFAULT_MAX_DELAY_MS, DEFAULT_BASE_DELAY_MS * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const d = nextDelayMs(attempt, policy, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });

  test('uses the configured base and cap', () => {
    expect(nextDelayMs(2, { baseMs: 10, capMs: 25 }, () => justBelowOne)).toBe(24);
    expect(nextDelayMs(1, { baseMs: 10, capMs: 25 }, () => justBelowOne)).toBe(19);
  });
});
