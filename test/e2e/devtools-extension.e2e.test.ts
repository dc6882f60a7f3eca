import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildExtension } from '../../scripts/build-extension.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';
import { newSession, openApp, setAuth, WAIT_MS, waitForStatus } from './support/app-page.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

const EXTENSION_DIR = resolve(import.meta.dirname, '../..');

/** Chromium derives an unpacked extension's id from its absolute path: sha256, first 32 hex digits, 0-f → a-p. */
function extensionIdOf(dir: string): string {
  const hex = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

let env: E2eEnv;
let context: BrowserContext;

beforeAll(async () => {
  await buildExtension();
  env = await startE2eEnv();
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'outbox-e2e-ext-')), {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
    ignoreDefaultArgs: ['--disable-extensions'],
  });
});

afterAll(async () => {
  await context?.close();
  await env?.stop();
});

/** Opens the panel as a tab pointed at the app's tab (inside DevTools it uses inspectedWindow.eval instead). */
async function openPanel(appUrl: string): Promise<Page> {
  const panel = await context.newPage();
  const base = `chrome-extension://${extensionIdOf(EXTENSION_DIR)}/extension/panel.html`;
  await panel.goto(`${base}?tabId=-1`);
  const tabId = await panel.evaluate(async (url) => {
    const api = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number; url?: string }[]> } } })
      .chrome;
    const tabs = await api.tabs.query({});
    return tabs.find((t) => t.url?.startsWith(url))?.id;
  }, appUrl);
  expect(tabId).toBeTypeOf('number');
  await panel.goto(`${base}?tabId=${tabId}`);
  return panel;
}

const rowsOf = (panel: Page, section: string) => panel.locator(`section[aria-label="${section}"] tr:has(td)`);

describe('DevTools extension', () => {
  test('shows the queued writes of the inspected page and discards, retries and syncs them', async () => {
    const { token } = await newSession(env);
    const app = await openApp(context, env, 'devtools', { sw: false });
    await setAuth(app, token);
    await env.proxy.down();
    await app.evaluate(async () => {
      const { outbox } = window.app;
      await outbox.put('notes', 'a', { text: 'first' });
      await outbox.put('notes', 'b', { text: 'second' });
    });
    await waitForStatus(app, (s) => s.pending === 2);

    const panel = await openPanel(env.url);
    await expect.poll(() => rowsOf(panel, 'Pending writes').count(), { timeout: WAIT_MS }).toBe(2);
    await expect.poll(() => panel.locator('[data-field="pending"] dd').textContent(), { timeout: WAIT_MS }).toBe('2');
    expect(await rowsOf(panel, 'Pending writes').first().textContent()).toContain('notes/a');

    // Discard: the write leaves the queue but stays visible as a dead letter.
    await rowsOf(panel, 'Pending writes').first().locator('button', { hasText: 'Discard' }).click();
    await expect.poll(() => rowsOf(panel, 'Dead letters').count(), { timeout: WAIT_MS }).toBe(1);
    expect(await rowsOf(panel, 'Dead letters').first().textContent()).toContain('discarded-by-user');
    expect(await rowsOf(panel, 'Pending writes').count()).toBe(1);

    // Retry: back into the outbox as a new write.
    await rowsOf(panel, 'Dead letters').first().locator('button', { hasText: 'Retry' }).click();
    await expect.poll(() => rowsOf(panel, 'Pending writes').count(), { timeout: WAIT_MS }).toBe(2);
    expect(await rowsOf(panel, 'Dead letters').count()).toBe(0);

    // Sync now, with the server back: the queue empties and the server holds both notes.
    await env.proxy.up();
    await panel.locator('#sync-now').click();
    await expect.poll(() => panel.locator('[data-field="pending"] dd').textContent(), { timeout: WAIT_MS }).toBe('0');
    const docs = await env.serverDocs(token);
    expect(docs.filter((d) => d.collection === 'notes').map((d) => [d.key, d.value])).toEqual(
      expect.arrayContaining([
        ['a', { text: 'first' }],
        ['b', { text: 'second' }],
      ]),
    );
  });
});
