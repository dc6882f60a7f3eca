import { describe, expect, test } from 'vitest';
import { OutboxError } from '../../src/errors.ts';
import type { OutboxApi } from '../../src/protocol/outbox-api.ts';
import { deferredApi } from '../../worker/deferred-api.ts';

function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('deferredApi', () => {
  test('answers calls made before the service is ready, once it is, in call order', async () => {
    const ready = later<OutboxApi>();
    const api = deferredApi(ready.promise);
    const calls: string[] = [];
    const first = api.get('notes', 'a');
    const second = api.get('notes', 'b');
    ready.resolve({
      get: async (_c: string, key: string) => {
        calls.push(key);
        return { key, value: key, version: null, pendingWrites: 0 };
      },
    } as unknown as OutboxApi);
    expect(await first).toMatchObject({ key: 'a' });
    expect(await second).toMatchObject({ key: 'b' });
    expect(calls).toEqual(['a', 'b']);
  });

  test('rejects every call with the error that stopped the service from opening', async () => {
    const api = deferredApi(Promise.reject(new OutboxError('migration-failed', { collection: 'notes' })));
    await expect(api.put('notes', 'a', {})).rejects.toMatchObject({ code: 'migration-failed' });
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'migration-failed' });
  });

  test('is not mistaken for a promise, and rejects calls to methods the service lacks', async () => {
    const api = deferredApi(Promise.resolve({} as OutboxApi));
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    await expect(api.flush()).rejects.toBeInstanceOf(TypeError);
  });
});
