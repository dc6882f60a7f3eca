import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createOutbox } from '../../src/client/create-outbox.ts';
import type { Outbox } from '../../src/client/outbox.ts';
import type { OutboxApi } from '../../src/protocol/outbox-api.ts';
import { type FakeWorker, fakeWorker } from './support/fake-worker.ts';

/** A worker service that records the page signals it receives. */
function signalService() {
  const calls: string[] = [];
  const service = {
    setOnline: async (online: boolean) => {
      calls.push(`setOnline ${online}`);
    },
    setVisible: async (visible: boolean) => {
      calls.push(`setVisible ${visible}`);
    },
    flush: async () => {
      calls.push('flush');
    },
    subscribeStatus: async () => () => {},
    getStatus: async () => ({}),
    close: async () => {},
  } as unknown as OutboxApi;
  return { service, calls };
}

/** The page globals the relay listens on: window and document as event targets, a settable visibility and onLine. */
function fakePage(onLine: boolean) {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', doc);
  vi.stubGlobal('navigator', { onLine });
  return { win, doc };
}

const open: Outbox<Record<string, never>>[] = [];
beforeEach(() => {
  vi.stubGlobal('localStorage', undefined);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
  vi.unstubAllGlobals();
});

function start() {
  const rec = signalService();
  const workers: FakeWorker[] = [];
  const outbox = createOutbox<Record<string, never>>({
    worker: () => {
      const w = fakeWorker(rec.service);
      workers.push(w);
      return w as unknown as Worker;
    },
    onJournalError: () => {},
  });
  open.push(outbox);
  return { calls: rec.calls, workers };
}

describe('relayPageSignals (page → worker)', () => {
  test('sends the visibility at start, and offline when the browser says so (never online on its word alone)', async () => {
    fakePage(false);
    const { calls } = start();
    await vi.waitFor(() => expect(calls).toEqual(['setVisible true', 'setOnline false']));
  });

  test('relays online, offline, visibilitychange and pagehide (as a flush) to the worker', async () => {
    const { win, doc } = fakePage(true);
    const { calls } = start();
    await vi.waitFor(() => expect(calls).toEqual(['setVisible true']));
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    win.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() =>
      expect(calls).toEqual(['setVisible true', 'setOnline false', 'setOnline true', 'setVisible false', 'flush']),
    );
  });

  test('repeats the current visibility to a worker started after the first one died', async () => {
    const { doc } = fakePage(true);
    const { calls, workers } = start();
    await vi.waitFor(() => expect(calls).toEqual(['setVisible true']));
    doc.visibilityState = 'hidden';
    workers[0]?.fail();
    await vi.waitFor(() => expect(calls).toEqual(['setVisible true', 'setVisible false']));
  });
});
