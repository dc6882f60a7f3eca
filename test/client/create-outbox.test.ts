import { afterEach, describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../../src/client/create-outbox.ts';
import type { Outbox } from '../../src/client/outbox.ts';
import { isOutboxError, OutboxError } from '../../src/errors.ts';
import type { SyncStatus } from '../../src/protocol/sync-status.ts';
import { type FakeOutboxService, fakeOutboxService } from './support/fake-outbox-service.ts';
import { type FakeWorker, fakeWorker } from './support/fake-worker.ts';

type Cols = { notes: { text: string }; other: { n: number } };

interface Rig {
  outbox: Outbox<Cols>;
  workers: FakeWorker[];
  services: FakeOutboxService[];
}

const open: Outbox<Cols>[] = [];

function rig(callTimeoutMs = 200): Rig {
  const workers: FakeWorker[] = [];
  const services: FakeOutboxService[] = [];
  const factory = (): Worker => {
    const service = fakeOutboxService();
    const worker = fakeWorker(service);
    services.push(service);
    workers.push(worker);
    return worker as unknown as Worker;
  };
  const outbox = createOutbox<Cols>({ worker: factory, callTimeoutMs });
  open.push(outbox);
  return { outbox, workers, services };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

describe('createOutbox', () => {
  test('forwards a put to the worker and resolves with its receipt', async () => {
    const { outbox, services } = rig();
    const receipt = await outbox.put('notes', 'a', { text: 'hi' });
    expect(receipt.seq).toBe(1);
    expect(await outbox.get('notes', 'a')).toMatchObject({ key: 'a', value: { text: 'hi' } });
    expect(services[0]?.calls).toContain('put notes/a');
  });

  test('delivers an OutboxError thrown in the worker with its code and details', async () => {
    const { outbox } = rig();
    const error = await rejection(outbox.put('other', 'a', { n: 1 }));
    expect(error).toBeInstanceOf(OutboxError);
    expect(isOutboxError(error, 'unknown-collection')).toBe(true);
    expect((error as OutboxError).details).toEqual({ collection: 'other' });
  });

  test('rejects a call the worker does not answer in time with call-timeout and keeps a live worker', async () => {
    const { outbox, services, workers } = rig(100);
    services[0]?.stall();
    const error = await rejection(outbox.put('notes', 'a', { text: 'x' }));
    expect(isOutboxError(error, 'call-timeout')).toBe(true);
    expect(await outbox.getStatus()).toMatchObject({ phase: 'idle' });
    expect(workers).toHaveLength(1);
  });

  test('rejects pending calls with worker-unavailable and starts a new worker when the worker fires error', async () => {
    const { outbox, workers } = rig();
    await outbox.getStatus();
    const pending = outbox.flush();
    workers[0]?.fail();
    expect(isOutboxError(await rejection(pending), 'worker-unavailable')).toBe(true);
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect((await outbox.put('notes', 'b', { text: 'again' })).seq).toBe(1);
  });

  test('rejects a waiting flush with worker-unavailable when the worker stops answering pings', async () => {
    const { outbox, workers } = rig(100);
    await outbox.getStatus();
    const pending = outbox.flush();
    workers[0]?.hang();
    expect(isOutboxError(await rejection(pending), 'worker-unavailable')).toBe(true);
    expect(workers).toHaveLength(2);
  });

  test('keeps a flush waiting past the call timeout while the worker answers pings', async () => {
    const { outbox, services, workers } = rig(50);
    let settled = false;
    const pending = outbox.flush().then(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(workers[0]?.pings).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    expect(settled).toBe(false);
    services[0]?.ack();
    await pending;
    expect(settled).toBe(true);
  });

  test('keeps one worker status subscription and renews it on a new worker', async () => {
    const { outbox, services, workers } = rig();
    const seen: SyncStatus['phase'][] = [];
    outbox.status.subscribe((s) => seen.push(s.phase));
    await outbox.subscribeStatus(() => {});
    await vi.waitFor(() => expect(services[0]?.statusSubscribers).toBe(1));
    services[0]?.publish({ phase: 'pushing', pending: 2 });
    await vi.waitFor(() => expect(outbox.status.get()).toMatchObject({ phase: 'pushing', pending: 2 }));
    workers[0]?.fail();
    await vi.waitFor(() => expect(services[1]?.statusSubscribers).toBe(1));
    services[1]?.publish({ phase: 'backoff' });
    await vi.waitFor(() => expect(seen.at(-1)).toBe('backoff'));
    expect(seen.slice(0, 2)).toEqual(['idle', 'idle']);
    expect(seen).toContain('pushing');
  });

  test('keeps a watch working across a worker restart', async () => {
    const { outbox, workers } = rig();
    const keys: string[] = [];
    await outbox.watch('notes', (changes) => keys.push(...changes.map((c) => c.key)));
    await outbox.put('notes', 'a', { text: '1' });
    await vi.waitFor(() => expect(keys).toEqual(['a']));
    workers[0]?.fail();
    await outbox.put('notes', 'b', { text: '2' });
    await vi.waitFor(() => expect(keys).toEqual(['a', 'b']));
  });

  test('stops delivering changes after a watch is unsubscribed', async () => {
    const { outbox } = rig();
    const keys: string[] = [];
    const unsubscribe = await outbox.watch('notes', (changes) => keys.push(...changes.map((c) => c.key)));
    await outbox.put('notes', 'a', { text: '1' });
    await vi.waitFor(() => expect(keys).toEqual(['a']));
    unsubscribe();
    await outbox.getStatus();
    await outbox.put('notes', 'b', { text: '2' });
    await outbox.getStatus();
    expect(keys).toEqual(['a']);
  });

  test('rejects calls after close with closed and closes the worker outbox', async () => {
    const { outbox, services, workers } = rig();
    await outbox.close();
    expect(services[0]?.calls).toContain('close');
    expect(workers[0]?.terminated).toBe(true);
    expect(isOutboxError(await rejection(outbox.put('notes', 'a', { text: 'x' })), 'closed')).toBe(true);
  });

  test('repeats setPaused(true) on a new worker', async () => {
    const { outbox, services, workers } = rig();
    await outbox.setPaused(true);
    workers[0]?.fail();
    await vi.waitFor(() => expect(services[1]?.calls).toContain('setPaused true'));
  });
});
