import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DocChange } from '../../src/protocol/outbox-api.ts';
import { newSession, openApp, setAuth, WAIT_MS } from './support/app-page.ts';
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

type WatchWindow = { seen: DocChange[] };

/** Starts recording, in the page, every change its watch of `notes` receives. */
async function watchNotes(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const w = window as unknown as WatchWindow;
    w.seen = [];
    await window.app.outbox.watch('notes', (changes) => w.seen.push(...changes));
  });
}

/** Waits until the page's watch has received a change to `key` matching `want`; returns what it received for `key`. */
async function waitForChange(page: Page, key: string, want: Record<string, unknown>): Promise<DocChange[]> {
  const wanted: [string, string] = [key, JSON.stringify(want)];
  await page.waitForFunction(
    ([key, want]: [string, string]) =>
      (window as unknown as WatchWindow).seen.some(
        (c) =>
          c.key === key &&
          Object.entries(JSON.parse(want) as Record<string, unknown>).every(
            ([k, v]) => JSON.stringify((c as unknown as Record<string, unknown>)[k]) === JSON.stringify(v),
          ),
      ),
    wanted,
    { timeout: WAIT_MS, polling: 50 },
  );
  return page.evaluate((k) => (window as unknown as WatchWindow).seen.filter((c) => c.key === k), key);
}

describe('watch across tabs', () => {
  test("tab A puts and syncs; both tabs' watch callbacks get the acknowledged snapshot", async () => {
    const { token } = await newSession(env);
    const db = 'watch-two-tabs';
    // Tab B opens first, so its worker runs the sync loop and acknowledges A's write.
    const b = await openApp(context, env, db);
    const a = await openApp(context, env, db);
    await setAuth(a, token);
    await watchNotes(b);
    await watchNotes(a);

    await a.evaluate(() => window.app.outbox.put('notes', 'n1', { text: 'hello' }));
    await a.evaluate(() => window.app.outbox.flush());

    const acknowledged = { op: 'put', value: { text: 'hello' }, version: 1, pendingWrites: 0 } as const;
    const seenInA = await waitForChange(a, 'n1', acknowledged);
    const seenInB = await waitForChange(b, 'n1', acknowledged);
    for (const seen of [seenInA, seenInB]) expect(seen.at(-1)).toMatchObject(acknowledged);
    expect(seenInA[0]).toMatchObject({ version: null, pendingWrites: 1, source: 'local' });
    expect(await a.evaluate(() => window.app.outbox.get('notes', 'n1'))).toEqual({
      key: 'n1',
      value: { text: 'hello' },
      version: 1,
      pendingWrites: 0,
    });
  });
});
