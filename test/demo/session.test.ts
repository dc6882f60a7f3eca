import { describe, expect, test } from 'vitest';
import { databaseName, decodeSignInCode, encodeSignInCode, ensureSession, loadSession } from '../../demo/src/session.ts';

/** A Map-backed Storage: the node project has no localStorage. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('session', () => {
  test('a sign-in code round-trips the user id and token', () => {
    const s = { userId: 'u_123', token: 'abc.def+/=' };
    expect(decodeSignInCode(`  ${encodeSignInCode(s)}\n`)).toEqual(s);
  });

  test('rejects text that is not a sign-in code', () => {
    expect(decodeSignInCode('hello')).toBeNull();
    expect(decodeSignInCode('obx1.!!!')).toBeNull();
    expect(decodeSignInCode(`obx1.${btoa('{"userId":""}')}`)).toBeNull();
  });

  test('asks the server once and reuses the saved session after', async () => {
    const storage = memoryStorage();
    const calls: string[] = [];
    const fetchFn = (async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ userId: 'u1', token: 't1', expiresAt: 1 }), { status: 200 });
    }) as unknown as typeof fetch;
    expect(await ensureSession(fetchFn, storage)).toEqual({ userId: 'u1', token: 't1' });
    expect(await ensureSession(fetchFn, storage)).toEqual({ userId: 'u1', token: 't1' });
    expect(calls).toEqual(['/v1/session']);
    expect(loadSession(storage)).toEqual({ userId: 'u1', token: 't1' });
  });

  test('fails without saving anything when the server refuses', async () => {
    const storage = memoryStorage();
    const fetchFn = (async () => new Response('{"error":{}}', { status: 503 })) as unknown as typeof fetch;
    await expect(ensureSession(fetchFn, storage)).rejects.toThrow();
    expect(loadSession(storage)).toBeNull();
  });

  test('names one database per user', () => {
    expect(databaseName({ userId: 'a', token: 't' })).not.toBe(databaseName({ userId: 'b', token: 't' }));
  });
});
