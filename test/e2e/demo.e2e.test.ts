import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemo, DEMO_DIST, demoIsStale } from '../../demo/build.mjs';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';

/** Long enough for a retry after the server comes back; every wait ends as soon as the page shows the words. */
const SEEN_WITHIN_MS = 60_000;

let browser: Browser;
let dataDir: string;
let server: RunningServer;
let port = 0;

async function start(): Promise<void> {
  server = await startServer({ port, host: '127.0.0.1', dataDir, staticDir: DEMO_DIST, log: () => {} });
  port = server.port;
}

/** Waits until the status pill says exactly `words` (what the user reads), or fails with what it said instead. */
async function pillSays(page: Page, words: string): Promise<void> {
  try {
    await page.waitForFunction((w) => document.getElementById('status-text')?.textContent === w, words, {
      timeout: SEEN_WITHIN_MS,
      polling: 100,
    });
  } catch (e) {
    const shown = await page
      .locator('#status-text')
      .textContent()
      .catch(() => null);
    throw new Error(`The pill never said "${words}"; it says "${shown}"`, { cause: e });
  }
}

/** Records every text the pill shows (a write can be sent within one polling interval, so polling alone could miss it). */
function recordPill(): void {
  const log: string[] = [];
  (window as unknown as { pillLog: string[] }).pillLog = log;
  new MutationObserver(() => {
    const text = document.getElementById('status-text')?.textContent ?? '';
    if (text !== '' && log[log.length - 1] !== text) log.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** How many texts the pill has shown so far. */
const pillMark = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { pillLog: string[] }).pillLog.length);

/** Waits until the pill, having shown something else since `mark`, says "All changes saved" again: the changes reached the server. */
async function savedSince(page: Page, mark: number): Promise<void> {
  await page.waitForFunction(
    (m) => {
      const log = (window as unknown as { pillLog: string[] }).pillLog.slice(m);
      return log.some((t) => t !== 'All changes saved') && log[log.length - 1] === 'All changes saved';
    },
    mark,
    { timeout: SEEN_WITHIN_MS, polling: 100 },
  );
}

/** Does what the user does, then waits until the pill has left "All changes saved" and come back to it. */
async function synced(page: Page, action: () => Promise<unknown>): Promise<void> {
  await pillSays(page, 'All changes saved');
  const mark = await pillMark(page);
  await action();
  await savedSince(page, mark);
}

/** Clicks a page link in the top navigation, as a user would. */
async function go(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: label, exact: true }).click();
}

async function addNote(page: Page, text: string): Promise<void> {
  await go(page, 'Notes');
  await page.getByLabel('New note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#notes-list li', { hasText: text }).waitFor();
}

async function openApp(context: BrowserContext): Promise<Page> {
  await context.addInitScript(recordPill);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  return page;
}

describe('demo PWA', () => {
  beforeAll(async () => {
    if (demoIsStale()) await buildDemo();
    dataDir = await mkdtemp(join(tmpdir(), 'outbox-demo-e2e-'));
    await start();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('keeps what the user typed through an outage and a reload, and shows it on a second device', async () => {
    const first = await browser.newContext();
    const a = await openApp(first);
    await pillSays(a, 'All changes saved');

    // Online: a note, a ticked step, a preference; each one reaches the server (the pill shows it go and come back).
    await synced(a, () => addNote(a, 'Buy oat milk'));
    await go(a, 'Start');
    await synced(a, () => a.getByLabel('Write your first note').check());
    await a.getByText('1 of 5 steps done — 20%').waitFor();
    await go(a, 'Preferences');
    await synced(a, () => a.getByLabel('Theme', { exact: true }).selectOption('dark'));
    await a.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    // The service worker must control the page before the server goes away, or the reload cannot be served.
    await a.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: SEEN_WITHIN_MS });

    // Server stopped: changes keep landing locally and are counted as waiting.
    await server.close();
    await addNote(a, 'Written while offline');
    await go(a, 'Start');
    await a.getByLabel('Pick a theme you like').check();
    await pillSays(a, 'Offline — 2 changes waiting');

    // Reload with the server still down: served from the precache, deep link included, nothing lost.
    await go(a, 'Notes');
    const reload = await a.reload();
    expect(reload?.status()).toBe(200);
    await a.locator('#notes-list li', { hasText: 'Written while offline' }).waitFor();
    await a.locator('#notes-list li', { hasText: 'Buy oat milk' }).waitFor();
    expect(new URL(a.url()).pathname).toBe('/notes');
    await pillSays(a, 'Offline — 2 changes waiting');

    // Server back (same port, same data): the waiting changes go out.
    await start();
    await pillSays(a, 'All changes saved');

    // Second device: another profile signs in with the first one's code and pulls everything.
    await go(a, 'Data & devices');
    await a.getByRole('button', { name: 'Show sign-in code' }).click();
    const code = await a.locator('#sign-in-code').inputValue();
    expect(code).toMatch(/^obx1\./);

    const second = await browser.newContext();
    const b = await openApp(second);
    await pillSays(b, 'All changes saved');
    await go(b, 'Data & devices');
    await b.getByLabel('Sign in with a code from another device').fill(code);
    await b.getByRole('button', { name: 'Sign in' }).click();
    await b.getByText('2 of 5 steps done — 40%').waitFor({ timeout: SEEN_WITHIN_MS });
    await b.waitForFunction(() => document.documentElement.dataset.theme === 'dark', undefined, { timeout: SEEN_WITHIN_MS });
    await go(b, 'Notes');
    await b.locator('#notes-list li', { hasText: 'Written while offline' }).waitFor({ timeout: SEEN_WITHIN_MS });
    await b.locator('#notes-list li', { hasText: 'Buy oat milk' }).waitFor();
    await pillSays(b, 'All changes saved');

    await second.close();
    await first.close();
  });
});
