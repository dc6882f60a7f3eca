import { describe, expect, test } from 'vitest';
import { replayJournal } from '../../../src/core/runtime/replay-journal.ts';
import { OutboxError } from '../../../src/errors.ts';
import type { OutboxApi, WriteOptions } from '../../../src/protocol/outbox-api.ts';

const id = (n: number): string => n.toString(16).padStart(32, 'b');

/** Records the calls; a write to key `refuse` fails with `code`. */
function api(refuse?: { key: string; code: 'unknown-collection' | 'quota-exceeded' }) {
  const calls: { op: string; key: string; options?: WriteOptions | undefined }[] = [];
  const answer = async (op: string, key: string, options?: WriteOptions) => {
    calls.push({ op, key, options });
    if (refuse?.key === key) throw new OutboxError(refuse.code, { collection: 'x' });
    return { id: options?.id as never, seq: calls.length, coalesced: false };
  };
  const target: Pick<OutboxApi, 'put' | 'delete'> = {
    put: (_c, key, _v, o) => answer('put', key, o),
    delete: (_c, key, o) => answer('delete', key, o),
  };
  return { target, calls };
}

describe('replayJournal', () => {
  test('replays every entry in order, as a replay with its id and time, and reports them done', async () => {
    const { target, calls } = api();
    const journal = JSON.stringify([
      { id: id(1), c: 'notes', k: 'a', v: { text: 'x' }, at: 5 },
      { id: id(2), c: 'notes', k: 'b', d: 1, at: 6 },
    ]);
    expect(await replayJournal(target, journal)).toEqual({ done: [id(1), id(2)], refused: [] });
    expect(calls).toEqual([
      { op: 'put', key: 'a', options: { id: id(1), replay: { createdAt: 5 } } },
      { op: 'delete', key: 'b', options: { id: id(2), replay: { createdAt: 6 } } },
    ]);
  });

  test('reports an entry refused for good with its code and counts it done', async () => {
    const { target } = api({ key: 'a', code: 'unknown-collection' });
    const report = await replayJournal(target, JSON.stringify([{ id: id(1), c: 'gone', k: 'a', v: 1, at: 5 }]));
    expect(report).toMatchObject({ done: [id(1)], refused: [{ id: id(1), code: 'unknown-collection' }] });
  });

  test('keeps an entry that failed for a reason outside it (quota) for the next start', async () => {
    const { target } = api({ key: 'a', code: 'quota-exceeded' });
    const report = await replayJournal(target, JSON.stringify([{ id: id(1), c: 'notes', k: 'a', v: 1, at: 5 }]));
    expect(report).toEqual({ done: [], refused: [] });
  });

  test('refuses a journal that does not parse, or holds a bad id, whole with journal-invalid', async () => {
    for (const text of ['{not json', JSON.stringify([{ id: 'short', c: 'notes', k: 'a', v: 1, at: 5 }])]) {
      const { target, calls } = api();
      const report = await replayJournal(target, text);
      expect(report).toMatchObject({ done: 'all', refused: [{ code: 'journal-invalid' }] });
      expect(calls).toEqual([]);
    }
  });
});
