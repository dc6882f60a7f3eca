import { describe, expect, test } from 'vitest';
import { authRefresher } from '../../../src/core/runtime/auth-refresher.ts';
import { AUTH_META_KEY } from '../../../src/core/runtime/open-outbox-core.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { FakeClock } from '../sync/sync-harness.ts';

function setup(refresh: () => Promise<Record<string, string> | null | undefined>) {
  const storage = createMemoryOutboxStorage(`refresh-${Math.random()}`);
  const clock = new FakeClock();
  const auth = authRefresher(refresh, { storage, timers: clock, metaKey: AUTH_META_KEY, timeoutMs: 1_000 });
  const stored = () => storage.transact('readonly', (tx) => tx.getMeta(AUTH_META_KEY));
  return { clock, auth, stored };
}

describe('authRefresher', () => {
  test('stores the headers the app gives, where every context reads them, and asks for a retry', async () => {
    const { auth, stored, clock } = setup(async () => ({ authorization: 'Bearer new' }));
    expect(await auth.refresh()).toBe(true);
    expect(await stored()).toEqual({ authorization: 'Bearer new' });
    expect(clock.pending()).toEqual([]);
  });

  test('gives up without touching the stored headers when the app has none, throws, or does not answer in time', async () => {
    for (const refresh of [
      async () => null,
      async () => undefined,
      async () => {
        throw new Error('sign-in server down');
      },
    ]) {
      const { auth, stored } = setup(refresh);
      expect(await auth.refresh()).toBe(false);
      expect(await stored()).toBeUndefined();
    }
    const { auth, stored, clock } = setup(() => new Promise(() => {}));
    const answer = auth.refresh();
    expect(clock.pending()).toEqual([1_000]);
    clock.fireNext(clock.now() + 1_000);
    expect(await answer).toBe(false);
    expect(await stored()).toBeUndefined();
  });
});
