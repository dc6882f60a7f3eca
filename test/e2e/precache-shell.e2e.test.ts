import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp, WAIT_MS } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  env = await startE2eEnv();
  browser = await launchBrowser();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.stop();
});

describe('app shell precache (issue 5 item 6)', () => {
  test('the app shell and a deep link load from the precache with the server down, worker included', async () => {
    const first = await openApp(context, env, 'shell');
    await first.close();
    await env.proxy.down();
    try {
      const page = await context.newPage();
      for (const path of ['/', '/notes/deep/link']) {
        const response = await page.goto(`${env.url}${path}?db=shell`);
        expect(response?.status()).toBe(200);
        expect(response?.fromServiceWorker()).toBe(true);
        await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: WAIT_MS });
        expect(await page.textContent('#route')).toBe(path);
        // The module worker's script came from the precache too: it answers.
        await page.evaluate(() => window.app.outbox.put('notes', 'shell', { text: 'offline' }));
        expect(await page.evaluate(() => window.app.outbox.get('notes', 'shell'))).toMatchObject({ value: { text: 'offline' } });
      }
      // Sync endpoints are not navigations and are not served from the cache.
      const api = await page.evaluate(() =>
        fetch('/v1/health').then(
          (r) => r.status,
          () => 'failed',
        ),
      );
      expect(api).toBe('failed');
    } finally {
      await env.proxy.up();
    }
  });
});
