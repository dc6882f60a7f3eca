import { describe, expectTypeOf, test } from 'vitest';
import {
  createOutbox,
  type DocChange,
  type DocSnapshot,
  isOutboxError,
  type Outbox,
  type OutboxError,
  type SyncStatus,
  type Unsubscribe,
  type WriteId,
  type WriteReceipt,
} from '../../src/index.ts';

type Cols = { prefs: { theme: 'light' | 'dark' }; messages: { text: string; at: number } };
declare const outbox: Outbox<Cols>;
declare const id: WriteId;

describe('createOutbox', () => {
  test('returns an Outbox typed by the app collections', () => {
    expectTypeOf(createOutbox<Cols>({ worker: () => ({}) as Worker })).toEqualTypeOf<Outbox<Cols>>();
  });

  test('takes a worker, a call timeout and an optional service worker', () => {
    expectTypeOf(createOutbox).parameter(0).toHaveProperty('worker').toEqualTypeOf<Worker | (() => Worker)>();
    // @ts-expect-error the worker is required
    createOutbox<Cols>({});
    // @ts-expect-error serviceWorker type is 'module' | 'classic'
    createOutbox<Cols>({ worker: {} as Worker, serviceWorker: { url: '/sw.js', type: 'shared' } });
  });

  test('takes an optional refreshAuth that resolves headers or null', () => {
    createOutbox<Cols>({ worker: {} as Worker, refreshAuth: async () => ({ authorization: 'Bearer t' }) });
    createOutbox<Cols>({ worker: {} as Worker, refreshAuth: async () => null });
    // @ts-expect-error headers are a record of strings
    createOutbox<Cols>({ worker: {} as Worker, refreshAuth: async () => ({ authorization: 1 }) });
  });

  test('takes the database name for its journal and a handler for journal errors', () => {
    createOutbox<Cols>({ worker: {} as Worker, dbName: 'outbox-u1', onJournalError: (e) => expectTypeOf(e.code).toBeString() });
    // @ts-expect-error the database name is a string
    createOutbox<Cols>({ worker: {} as Worker, dbName: 1 });
  });
});

describe('Outbox', () => {
  test('narrows put values by collection', () => {
    expectTypeOf(outbox.put('prefs', 'me', { theme: 'dark' })).toEqualTypeOf<Promise<WriteReceipt>>();
    // @ts-expect-error unknown collection
    void outbox.put('nope', 'me', { theme: 'dark' });
    // @ts-expect-error wrong document type for the collection
    void outbox.put('prefs', 'me', { text: 'hi', at: 1 });
    // @ts-expect-error 'blue' is not a theme
    void outbox.put('prefs', 'me', { theme: 'blue' });
  });

  test('returns documents of the collection type from get, list and watch', () => {
    expectTypeOf(outbox.get('messages', 'k')).resolves.toEqualTypeOf<DocSnapshot<{ text: string; at: number }> | undefined>();
    expectTypeOf(outbox.list('prefs'))
      .resolves.toHaveProperty('items')
      .toEqualTypeOf<readonly DocSnapshot<{ theme: 'light' | 'dark' }>[]>();
    expectTypeOf(outbox.watch<'prefs'>)
      .parameter(1)
      .toEqualTypeOf<(changes: DocChange<{ theme: 'light' | 'dark' }>[]) => void>();
    expectTypeOf(outbox.watch('prefs', () => {})).resolves.toEqualTypeOf<Unsubscribe>();
  });

  test('exposes status synchronously and by subscription', () => {
    expectTypeOf(outbox.status.get()).toEqualTypeOf<SyncStatus>();
    expectTypeOf(outbox.status.subscribe(() => {})).toEqualTypeOf<Unsubscribe>();
    expectTypeOf(outbox.whenSynced(id)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error a plain string is not a WriteId
    void outbox.whenSynced('abc');
  });
});

describe('OutboxError', () => {
  test('narrows with isOutboxError and carries a code', () => {
    const e: unknown = new Error('x');
    if (isOutboxError(e, 'worker-unavailable')) expectTypeOf(e).toEqualTypeOf<OutboxError>();
    expectTypeOf<OutboxError['code']>().toEqualTypeOf<import('../../src/errors.ts').ErrorCode>();
    // @ts-expect-error not an error code
    isOutboxError(e, 'no-such-code');
  });
});
