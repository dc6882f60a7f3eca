import { afterEach, describe, expect, test } from 'vitest';
import { createOutbox } from '../../src/client/create-outbox.ts';
import type { Outbox } from '../../src/client/outbox.ts';
import { isOutboxError } from '../../src/errors.ts';
import { type FakeOutboxService, fakeOutboxService } from './support/fake-outbox-service.ts';
import { fakeWorker } from './support/fake-worker.ts';

type Cols = { notes: { text: string } };
const open: Outbox<Cols>[] = [];

function rig(): { outbox: Outbox<Cols>; service: FakeOutboxService } {
  const service = fakeOutboxService();
  const outbox = createOutbox<Cols>({ worker: () => fakeWorker(service) as unknown as Worker, callTimeoutMs: 5_000 });
  open.push(outbox);
  return { outbox, service };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

describe('Outbox', () => {
  describe('flush with timeoutMs', () => {
    test('resolves when the writes are acknowledged in time', async () => {
      const { outbox, service } = rig();
      const flushed = outbox.flush({ timeoutMs: 60_000 });
      await outbox.getStatus();
      service.ack();
      await expect(flushed).resolves.toBeUndefined();
    });

    test('rejects with flush-timeout when they are not, and leaves them queued', async () => {
      const { outbox, service } = rig();
      service.publish({ pending: 2 });
      const error = await outbox.flush({ timeoutMs: 1 }).catch((e: unknown) => e);
      expect(isOutboxError(error, 'flush-timeout')).toBe(true);
      expect((await outbox.getStatus()).pending).toBe(2);
    });
  });
});
