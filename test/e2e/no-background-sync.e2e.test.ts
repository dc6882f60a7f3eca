import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newSession, openApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  env = await startE2eEnv();
  browser = await launchBrowser();
  context = await browser.newContext();
  // A browser without Background Sync (Safari, Firefox): no SyncManager, no registration.sync.
  await context.addInitScript(() => {
    Reflect.deleteProperty(window, 'SyncManager');
    Reflect.deleteProperty(ServiceWorkerRegistration.prototype, 'sync');
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.stop();
});

/** Writes `n` events while the server is unreachable and waits until the page has seen a push fail. */
async function writeWhileDown(page: Page, prefix: string, n: number): Promise<void> {
  await env.proxy.down();
  await page.evaluate(
    async ([p, count]) => {
      for (let i = 0; i < count; i++) await window.app.outbox.put('events', `${p}-${i}`, { tab: p, n: i });
    },
    [prefix, n] as const,
  );
  await waitForStatus(page, (s) => s.pending > 0 && s.lastError !== null);
}

async function serverKeys(token: string, prefix: string, n: number): Promise<string[]> {
  const docs = await until(async () => {
    const d = (await serverDocsOf(env, token, 'events')).filter((x) => x.key.startsWith(`${prefix}-`));
    return d.length >= n ? d : undefined;
  }, `${n} ${prefix} events on the server`);
  return docs.map((d) => d.key).sort();
}

describe('without Background Sync', () => {
  test('the page has no sync API, and a failed push registers nothing and throws nothing', async () => {
    const { token } = await newSession(env);
    const page = await openApp(context, env, 'no-bg-api');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await setAuth(page, token);
    await writeWhileDown(page, 'api', 1);
    const api = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { syncManager: 'SyncManager' in window, sync: 'sync' in registration };
    });
    expect(api).toEqual({ syncManager: false, sync: false });
    await env.proxy.up();
    await waitForStatus(page, (s) => s.pending === 0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a page started after the writes were made drains them', async () => {
    const { token } = await newSession(env);
    const db = 'no-bg-start';
    const first = await openApp(context, env, db);
    await setAuth(first, token);
    await writeWhileDown(first, 'start', 3);
    await first.close();
    await env.proxy.up();
    expect(await serverDocsOf(env, token, 'events')).toEqual([]);

    const next = await openApp(context, env, db);
    await waitForStatus(next, (s) => s.pending === 0 && s.lastSyncedAt !== null);
    expect(await serverKeys(token, 'start', 3)).toEqual(['start-0', 'start-1', 'start-2']);
    await next.close();
  });

  test('an open page drains once the browser is back online', async () => {
    const { token } = await newSession(env);
    const page = await openApp(context, env, 'no-bg-online');
    await setAuth(page, token);
    await context.setOffline(true);
    await page.evaluate(() => window.app.outbox.put('events', 'online-0', { tab: 'online', n: 0 }));
    await waitForStatus(page, (s) => s.online === false && s.pending === 1);
    await context.setOffline(false);
    await waitForStatus(page, (s) => s.online === true && s.pending === 0);
    expect(await serverKeys(token, 'online', 1)).toEqual(['online-0']);
    await page.close();
  });

  test('an open page drains on its retry timer when the server comes back, with no event at all', async () => {
    const { token } = await newSession(env);
    const page = await openApp(context, env, 'no-bg-timer');
    await setAuth(page, token);
    await writeWhileDown(page, 'timer', 2);
    await env.proxy.up();
    await waitForStatus(page, (s) => s.pending === 0);
    expect(await serverKeys(token, 'timer', 2)).toEqual(['timer-0', 'timer-1']);
    await page.close();
  });
  test('an open page drains when it becomes visible again, long before its retry timer', async () => {
    const { token } = await newSession(env);
    // `slow-retry-…` databases back off for up to 100 minutes (test/e2e/app/app-policy.ts).
    const page = await openApp(context, env, 'slow-retry-visible');
    await setAuth(page, token);
    await writeWhileDown(page, 'visible', 2);
    const waiting = await waitForStatus(page, (s) => s.nextRetryAt !== null && s.pending === 2);
    await env.proxy.up();
    await page.evaluate(() => {
      // Headless Chromium never hides a page: the tab going to the background and back, as the page sees it.
      for (const state of ['hidden', 'visible']) {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
        document.dispatchEvent(new Event('visibilitychange'));
      }
    });
    const done = await waitForStatus(page, (s) => s.pending === 0 && s.lastSyncedAt !== null);
    expect(done.lastSyncedAt).toBeLessThan(waiting.nextRetryAt ?? 0);
    expect(await serverKeys(token, 'visible', 2)).toEqual(['visible-0', 'visible-1']);
    await page.close();
  });
});
