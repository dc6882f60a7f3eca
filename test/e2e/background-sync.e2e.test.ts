import { rmSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newSession, openApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
import { launchPersistent } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await context?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  await env?.stop();
});

describe('Background Sync (issue 5 item 2)', () => {
  test('with every tab closed, the service worker drains the outbox to the server when sync fires', async () => {
    // Chromium's real retry schedule, shrunk by field-trial flags: attempts about 2 s apart, 3 at most.
    ({ context, userDataDir } = await launchPersistent());
    const db = 'bg-sync';
    const { token } = await newSession(env);
    const page = await openApp(context, env, db);
    for (const blank of context.pages()) if (blank !== page) await blank.close();
    await setAuth(page, token);
    await waitForStatus(page, (s) => s.phase === 'idle' && s.online === true);

    await env.proxy.down();
    await page.evaluate(async () => {
      for (let n = 0; n < 5; n++) await window.app.outbox.put('events', `bg-${n}`, { tab: 'bg', n });
    });
    await waitForStatus(page, (s) => s.pending === 5 && s.lastError !== null);
    // The page registered the database's sync tag because a push failed with writes pending.
    const tag = `outbox-sync:${db}`;
    await page.waitForFunction(
      async (t) => {
        const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
          sync: { getTags(): Promise<string[]> };
        };
        return (await registration.sync.getTags()).includes(t);
      },
      tag,
      { polling: 50 },
    );

    await page.close();
    expect(context.pages()).toHaveLength(0);
    await env.proxy.up();

    // No page is open: only the service worker can push these.
    const docs = await until(async () => {
      const d = await serverDocsOf(env, token, 'events');
      return d.length === 5 ? d : undefined;
    }, 'the service worker to drain the outbox');
    expect(context.pages()).toHaveLength(0);
    expect(docs.map((d) => d.key).sort()).toEqual(['bg-0', 'bg-1', 'bg-2', 'bg-3', 'bg-4']);
    for (const doc of docs) expect(doc.version).toBe(1);
    expect(env.proxy.applied.filter((w) => w.key.startsWith('bg-'))).toHaveLength(5);

    // The server applies the writes before the service worker has recorded their acknowledgement: the
    // SW logs its pass once that transaction has committed, so wait for its log, read in the SW itself.
    const [worker] = context.serviceWorkers();
    if (worker === undefined) throw new Error('the service worker that drained is not running');
    const log = await until(async () => {
      const entries = await worker.evaluate(async () => {
        const cache = await caches.open('e2e-sync-log');
        return Promise.all((await cache.keys()).map(async (k) => (await cache.match(k))?.json()));
      });
      const drained = (entries as { db: string; outcome: { kind: string; remaining: number } | null }[]).some(
        (e) => e.db === db && e.outcome?.kind === 'drained',
      );
      return drained ? entries : undefined;
    }, 'the service worker to log its drained pass');
    expect(log).toContainEqual(
      expect.objectContaining({ db, outcome: expect.objectContaining({ kind: 'drained', remaining: 0 }) }),
    );
    // The drain left the outbox empty: a page opened now finds nothing pending.
    const after = await openApp(context, env, db);
    const status = await waitForStatus(after, (s) => s.at > 0);
    expect(status.pending).toBe(0);
  });
});
