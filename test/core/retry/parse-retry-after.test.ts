import { describe, expect, test } from 'vitest';
import { parseRetryAfter } from '../../../src/core/retry/parse-retry-after.ts';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  test('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
  });

  test('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  test('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Thu Jan  1 00:00:05 2026', now)).toBe(5_000);
  });

  test('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  test('gives undefined for missing or malformed values', () => {
    for (const bad of [
      null,
      undefined,
      '',
      '-5',
      '1.5',
      'soon',
      '2026-01-01T00:00:30Z',
      'Thu, 01 Jan 2026 00:00:30 PST',
      '1e3',
    ]) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });
});
