import { afterEach, describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../../src/client/create-outbox.ts';
import type { Outbox } from '../../src/client/outbox.ts';
import type { RefreshAuth } from '../../src/core/runtime/auth-refresher.ts';
import { fakeOutboxService } from './support/fake-outbox-service.ts';
import { type FakeWorker, fakeWorker } from './support/fake-worker.ts';

const open: Outbox<{ notes: { text: string } }>[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

/** Page client over fake workers whose service records the refresh callback each worker was given. */
function rig(refreshAuth: () => Promise<Record<string, string> | null>) {
  const workers: FakeWorker[] = [];
  const given: RefreshAuth[][] = [];
  const factory = (): Worker => {
    const mine: RefreshAuth[] = [];
    given.push(mine);
    const service = Object.assign(fakeOutboxService(), {
      setAuthRefresh: async (refresh: RefreshAuth | null) => {
        if (refresh !== null) mine.push(refresh);
      },
    });
    const worker = fakeWorker(service);
    workers.push(worker);
    return worker as unknown as Worker;
  };
  const outbox = createOutbox<{ notes: { text: string } }>({ worker: factory, callTimeoutMs: 200, refreshAuth });
  open.push(outbox);
  return { workers, given };
}

describe('createOutbox refreshAuth', () => {
  test("hands the app's callback to the worker at its start, and the worker's call reaches the page", async () => {
    let asked = 0;
    const { given } = rig(async () => {
      asked += 1;
      return { authorization: 'Bearer fresh' };
    });
    await vi.waitFor(() => expect(given[0]).toHaveLength(1));
    expect(await given[0]?.[0]?.()).toEqual({ authorization: 'Bearer fresh' });
    expect(asked).toBe(1);
  });

  test('hands it again to a worker started after the first one died', async () => {
    const { given, workers } = rig(async () => null);
    await vi.waitFor(() => expect(given[0]).toHaveLength(1));
    workers[0]?.fail();
    await vi.waitFor(() => expect(given[1]).toHaveLength(1));
    expect(await given[1]?.[0]?.()).toBeNull();
  });
});
