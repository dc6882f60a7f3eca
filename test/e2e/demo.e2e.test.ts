import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemo, DEMO_DIST, demoIsStale } from '../../demo/build.mjs';
import { addNote, go, openDemo, pillSays, SEEN_WITHIN_MS, synced } from '../../demo/testing/demo-driver.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';

let browser: Browser;
let dataDir: string;
let server: RunningServer;
let port = 0;

async function start(): Promise<void> {
  server = await startServer({ port, host: '127.0.0.1', dataDir, staticDir: DEMO_DIST, log: () => {} });
  port = server.port;
}

const openApp = (context: BrowserContext): Promise<Page> => openDemo(context, `${server.url}/`);

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
