import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gotoApp, newSession, openApp, setAuth, until, WAIT_MS, waitForStatus } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

/** Trials per way of leaving the page (OUTBOX_LONG=1: ten times as many). */
const TRIALS = process.env.OUTBOX_LONG === '1' ? 200 : 20;

type Leave = 'reload' | 'navigate' | 'close';

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

/**
 * Calls put() (an event with a key of its own, and the shared note a theme picker would
 * write) and leaves the page in the same task, so neither promise can have resolved. Returns
 * the page showing the app again.
 */
async function writeAndLeave(page: Page, leave: Leave, key: string, db: string): Promise<Page> {
  const navigated = leave === 'close' ? undefined : page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
  await page
    .evaluate(
      ([k, how]) => {
        void window.app.outbox.put('events', k, { tab: 'pagehide', n: 1 }).catch(() => {});
        void window.app.outbox.put('notes', 'theme', { text: k }).catch(() => {});
        if (how === 'reload') location.reload();
        else if (how === 'navigate') location.href = 'about:blank';
      },
      [key, leave] as const,
    )
    // The navigation may tear the page's context down before evaluate answers.
    .catch(() => {});
  if (leave === 'close') {
    await page.close();
    const next = await context.newPage();
    await gotoApp(next, env, db, { sw: false });
    return next;
  }
  await navigated;
  if (leave === 'navigate') await gotoApp(page, env, db, { sw: false });
  else await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: WAIT_MS });
  return page;
}

describe('a write made just before the page goes away', () => {
  test(`is neither lost nor applied twice: ${TRIALS} reloads, ${TRIALS} navigations, ${TRIALS} closes`, async () => {
    const db = 'pagehide';
    const { token } = await newSession(env);
    let page = await openApp(context, env, db, { sw: false });
    await setAuth(page, token);
    const keys: string[] = [];
    for (const leave of ['reload', 'navigate', 'close'] as const) {
      for (let i = 0; i < TRIALS; i++) {
        const key = `${leave}-${String(i).padStart(3, '0')}`;
        keys.push(key);
        page = await writeAndLeave(page, leave, key, db);
      }
    }

    await waitForStatus(page, (s) => s.pending === 0 && s.lastSyncedAt !== null && s.phase === 'idle');
    const local = await page.evaluate(async () => (await window.app.outbox.list('events', { limit: 1000 })).items);
    const lost = keys.filter((k) => !local.some((d) => d.key === k));
    const theme = await page.evaluate(() => window.app.outbox.get('notes', 'theme'));

    const server = await until(async () => {
      const docs = (await env.serverDocs(token)).filter((d) => d.collection === 'events');
      return docs.length >= keys.length - lost.length ? docs : undefined;
    }, 'every event on the server');
    const applied = new Map<string, number>();
    for (const w of env.proxy.applied.filter((w) => w.key !== 'theme')) applied.set(w.key, (applied.get(w.key) ?? 0) + 1);
    const doubled = [...applied].filter(([, n]) => n > 1).map(([k]) => k);
    // Printed for docs/RELIABILITY.md: the counts of this run.
    console.log(`pagehide trials: ${keys.length}, lost ${lost.length} (${lost.join(' ')}), doubled ${doubled.length}`);

    expect({ lost, doubled }).toEqual({ lost: [], doubled: [] });
    expect(server.map((d) => d.key).sort()).toEqual([...keys].sort());
    expect(local.every((d) => d.version === 1 && d.pendingWrites === 0)).toBe(true);
    expect(theme?.value).toEqual({ text: keys.at(-1) });
  });
});
