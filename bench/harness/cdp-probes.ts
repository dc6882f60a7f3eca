import type { CDPSession, Page } from 'playwright-core';
import type { RowHooks } from './attached-browser.ts';

interface AttachedTarget {
  readonly sessionId: string;
  readonly targetInfo: { readonly type: string; readonly url: string };
}

/** Talks to a page's dedicated worker through the page's CDP session (non-flat child session). */
class WorkerChannel {
  #next = 1;
  readonly #waiting = new Map<number, (result: unknown) => void>();
  readonly #session: CDPSession;
  readonly sessionId: string;

  constructor(session: CDPSession, sessionId: string) {
    this.#session = session;
    this.sessionId = sessionId;
    session.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
      if (e.sessionId !== sessionId) return;
      const reply = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (reply.id !== undefined) this.#waiting.get(reply.id)?.(reply.result);
    });
  }

  /** Sends one command; resolves undefined when the worker has gone (no answer within 2 s). */
  send<T>(method: string): Promise<T | undefined> {
    const id = this.#next++;
    return new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, 2_000);
      this.#waiting.set(id, (r) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(r as T);
      });
      // A worker that has ended refuses the message: the timer above answers undefined.
      this.#session
        .send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => {});
    });
  }
}

async function attachWorker(session: CDPSession, urlPart: string): Promise<WorkerChannel | undefined> {
  const found = new Promise<AttachedTarget | undefined>((resolve) => {
    session.on('Target.attachedToTarget', (e: AttachedTarget) => {
      if (e.targetInfo.type === 'worker' && e.targetInfo.url.includes(urlPart)) resolve(e);
    });
    setTimeout(() => resolve(undefined), 5_000);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const target = await found;
  return target === undefined ? undefined : new WorkerChannel(session, target.sessionId);
}

const MB = 1024 * 1024;

/**
 * Page cost and worker heap during a drain (Playwright attached, so CDP is at hand):
 * - `busyMs`: main-thread task time of the page (CDP Performance `TaskDuration` delta);
 * - `heapStartMB`: the Outbox worker's used JS heap after a forced GC at the start;
 * - `peakHeapMB`: the largest used heap sampled every 50 ms while draining.
 */
export function drainProbes(): RowHooks {
  let session: CDPSession | undefined;
  let taskStart = 0;
  let worker: WorkerChannel | undefined;
  let sampling: Promise<void> | undefined;
  let stop = false;
  let peak = 0;
  let start = 0;

  const taskDuration = async (s: CDPSession): Promise<number> => {
    const { metrics } = (await s.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };

  return {
    before: async (page: Page) => {
      session = await page.context().newCDPSession(page);
      worker = await attachWorker(session, 'outbox.worker');
      if (worker) {
        await worker.send('HeapProfiler.collectGarbage');
        start = (await worker.send<{ usedSize: number }>('Runtime.getHeapUsage'))?.usedSize ?? 0;
        peak = start;
        const w = worker;
        sampling = (async () => {
          while (!stop) {
            const usage = await w.send<{ usedSize: number }>('Runtime.getHeapUsage');
            if (usage === undefined) return;
            peak = Math.max(peak, usage.usedSize);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
      }
      await session.send('Performance.enable');
      taskStart = await taskDuration(session);
    },
    after: async () => {
      if (session === undefined) return {};
      const busyMs = ((await taskDuration(session)) - taskStart) * 1000;
      stop = true;
      await sampling;
      await session.detach();
      return worker ? { busyMs, heapStartMB: start / MB, peakHeapMB: peak / MB } : { busyMs };
    },
  };
}
