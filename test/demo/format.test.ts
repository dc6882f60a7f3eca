import { describe, expect, test } from 'vitest';
import { formatAge, formatBytes } from '../../demo/src/format.ts';

describe('formatBytes', () => {
  test('shows bytes, kilobytes and megabytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});

describe('formatAge', () => {
  test('grows from just now to days', () => {
    const now = 10_000_000_000;
    expect(formatAge(now - 1000, now)).toBe('just now');
    expect(formatAge(now - 12_000, now)).toBe('12 s ago');
    expect(formatAge(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatAge(now - 2 * 3_600_000, now)).toBe('2 h ago');
    expect(formatAge(now - 4 * 86_400_000, now)).toBe('4 days ago');
  });

  test('never shows a negative age for a clock that ran behind', () => {
    expect(formatAge(2000, 1000)).toBe('just now');
  });
});
