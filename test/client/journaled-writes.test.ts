import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../../src/client/create-outbox.ts';
import { journalKey } from '../../src/client/journaled-writes.ts';
import type { Outbox } from '../../src/client/outbox.ts';
import { OutboxError } from '../../src/errors.ts';
import type { JsonValue } from '../../src/protocol/json-value.ts';
import type { OutboxApi, WriteOptions, WriteReceipt } from '../../src/protocol/outbox-api.ts';
import { fakeWorker } from './support/fake-worker.ts';

type Cols = { notes: { text: string } };

interface Call {
  readonly op: 'put' | 'delete';
  readonly key: string;
  readonly value?: JsonValue | undefined;
  readonly options: WriteOptions | undefined;
}

/** A worker service that records writes; while `stalled`, they never settle (the page goes away first). */
function recordingService(db: string) {
  const calls: Call[] = [];
  const state = { stalled: false, refuse: '' };
  const answer = (call: Call): Promise<WriteReceipt> => {
    calls.push(call);
    if (state.refuse !== '' && call.key === state.refuse) {
      return Promise.reject(new OutboxError('unknown-collection', { collection: 'removed' }));
    }
    if (state.stalled) return new Promise(() => {});
    return Promise.resolve({ id: call.options?.id as never, seq: calls.length, coalesced: false });
  };
  const service = {
    put: (_c: string, key: string, value: JsonValue, options?: WriteOptions) => answer({ op: 'put', key, value, options }),
    delete: (_c: string, key: string, options?: WriteOptions) => answer({ op: 'delete', key, options }),
    subscribeStatus: async () => () => {},
    getStatus: async () => ({}),
    close: async () => {},
  } as unknown as OutboxApi;
  return { service, calls, state, db };
}

/** localStorage as a Map, optionally refusing writes over `quota` characters. */
function fakeStorage(quota = Number.POSITIVE_INFINITY) {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > quota) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      items.set(k, v);
    },
    removeItem: (k: string) => items.delete(k),
  };
}

let pagehide: (() => void)[] = [];
const open: Outbox<Cols>[] = [];

beforeEach(() => {
  pagehide = [];
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => {
    if (type === 'pagehide') pagehide.push(fn);
  });
  vi.stubGlobal('removeEventListener', (type: string, fn: () => void) => {
    if (type === 'pagehide') pagehide = pagehide.filter((f) => f !== fn);
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
  vi.unstubAllGlobals();
});

/** A page: an outbox over a recording worker for database `db`; errors of the journal collected. */
function page(rec: ReturnType<typeof recordingService>) {
  const errors: OutboxError[] = [];
  const outbox = createOutbox<Cols>({
    worker: () => fakeWorker(rec.service, rec.db) as unknown as Worker,
    onJournalError: (e) => errors.push(e),
  });
  open.push(outbox);
  return { outbox, errors };
}

const hidePage = (): void => {
  for (const fn of pagehide) fn();
};

/** A write the page never hears back about (it rejects with `closed` when the test closes the outbox). */
const unsettled = (write: Promise<unknown>): void => {
  write.catch(() => {});
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('journaled writes (createOutbox)', () => {
  test('a put that has not settled at pagehide is journaled under its id; one that settled is not', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const rec = recordingService('outbox');
    const { outbox } = page(rec);
    await outbox.put('notes', 'done', { text: 'committed' });
    rec.state.stalled = true;
    unsettled(outbox.put('notes', 'late', { text: 'never heard back' }));
    unsettled(outbox.delete('notes', 'gone'));
    await vi.waitFor(() => expect(rec.calls).toHaveLength(3));
    hidePage();
    const journal = JSON.parse(storage.items.get(journalKey('outbox')) ?? '[]');
    expect(journal).toMatchObject([
      { c: 'notes', k: 'late', v: { text: 'never heard back' } },
      { c: 'notes', k: 'gone', d: 1 },
    ]);
    // The id is the one the worker was given, so a replay can be recognised.
    expect(journal.map((e: { id: string }) => e.id)).toEqual(rec.calls.slice(1).map((c) => c.options?.id));
  });

  test('the next start replays the journal with the same ids, before any new write, and clears it', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const first = recordingService('outbox');
    const { outbox } = page(first);
    await vi.waitFor(() => expect(outbox.status.get()).toBeDefined());
    first.state.stalled = true;
    unsettled(outbox.put('notes', 'late', { text: 'never heard back' }));
    await vi.waitFor(() => expect(first.calls).toHaveLength(1));
    hidePage();

    const second = recordingService('outbox');
    const next = page(second);
    const fresh = next.outbox.put('notes', 'fresh', { text: 'after restart' });
    await fresh;
    expect(second.calls.map((c) => [c.op, c.key, c.options?.id, c.options?.replay !== undefined])).toEqual([
      ['put', 'late', first.calls[0]?.options?.id, true],
      ['put', 'fresh', expect.any(String), false],
    ]);
    await vi.waitFor(() => expect(storage.items.has(journalKey('outbox'))).toBe(false));
    expect(next.errors).toEqual([]);
  });

  test('keeps one journal per database', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const rec = recordingService('user-7');
    const { outbox } = page(rec);
    rec.state.stalled = true;
    unsettled(outbox.put('notes', 'a', { text: 'x' }));
    await vi.waitFor(() => expect(rec.calls).toHaveLength(1));
    hidePage();
    expect([...storage.items.keys()]).toEqual([journalKey('user-7')]);
  });

  test('reports a replayed entry the worker refuses for good, with its own code, and drops it', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    storage.setItem(
      journalKey('outbox'),
      JSON.stringify([{ id: 'a'.repeat(32), c: 'removed', k: 'bad', v: { text: 'x' }, at: 1 }]),
    );
    const rec = recordingService('outbox');
    rec.state.refuse = 'bad';
    const { errors } = page(rec);
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['unknown-collection']));
    expect(storage.items.has(journalKey('outbox'))).toBe(false);
  });

  test('says journal-unavailable where there is no localStorage', async () => {
    vi.stubGlobal('localStorage', undefined);
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    const { errors } = page(recordingService('outbox'));
    expect(errors.map((e) => e.code)).toEqual(['journal-unavailable']);
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  test('says journal-unavailable, with the quota error as reason, when localStorage is full at pagehide', async () => {
    vi.stubGlobal('localStorage', fakeStorage(10));
    const rec = recordingService('outbox');
    const { outbox, errors } = page(rec);
    await settle();
    rec.state.stalled = true;
    unsettled(outbox.put('notes', 'late', { text: 'never heard back' }));
    await vi.waitFor(() => expect(rec.calls).toHaveLength(1));
    hidePage();
    expect(errors).toMatchObject([{ code: 'journal-unavailable', details: { count: 1 } }]);
    expect(String(errors[0]?.details?.reason)).toContain('quota');
  });
  test('one value that cannot be journaled as JSON leaves out only itself at pagehide', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    const rec = recordingService('outbox');
    const { outbox } = page(rec);
    rec.state.stalled = true;
    unsettled(outbox.put('notes', 'good', { text: 'kept' }));
    // A BigInt crosses to the worker (structured clone) but has no JSON form.
    unsettled(outbox.put('notes', 'odd', { text: 1n } as never));
    unsettled(outbox.put('notes', 'after', { text: 'kept too' }));
    await vi.waitFor(() => expect(rec.calls).toHaveLength(3));
    hidePage();
    const journal = JSON.parse(storage.items.get(journalKey('outbox')) ?? '[]');
    expect(journal.map((e: { k: string }) => e.k)).toEqual(['good', 'after']);
  });

  test('a put whose value cannot be copied to the worker rejects with invalid-value and sends nothing', async () => {
    vi.stubGlobal('localStorage', fakeStorage());
    const rec = recordingService('outbox');
    const { outbox } = page(rec);
    const refused = outbox.put('notes', 'fn', { text: (() => 1) as never });
    await expect(refused).rejects.toMatchObject({ code: 'invalid-value', details: { collection: 'notes', key: 'fn' } });
    await outbox.put('notes', 'next', { text: 'fine' });
    expect(rec.calls.map((c) => c.key)).toEqual(['next']);
  });
});
