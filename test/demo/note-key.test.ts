import { describe, expect, test } from 'vitest';
import { noteKey } from '../../demo/src/notes-view.ts';

describe('noteKey', () => {
  test('sorts keys in the order the notes were written', () => {
    const keys = [1_000, 59_999, 1_700_000_000_000, 4_000_000_000_000].map((t) => noteKey(t, () => 0.5));
    expect([...keys].sort()).toEqual(keys);
  });

  test('keeps two notes written in the same millisecond apart', () => {
    expect(noteKey(1_700_000_000_000, () => 0.1)).not.toBe(noteKey(1_700_000_000_000, () => 0.2));
  });
});
