import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buildDemo, DEMO_DIST, demoIsStale } from '../../demo/build.mjs';
import { addNote, go, openDemo, pillSays, synced } from '../../demo/testing/demo-driver.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';

/** Low, so that one long note is a real server rejection (`document-too-large`) and becomes a dead letter. */
const MAX_DOC_BYTES = 2000;

let browser: Browser;
let dataDir: string;
let server: RunningServer;
let context: BrowserContext;

async function start(port = 0): Promise<void> {
  server = await startServer({
    port,
    host: '127.0.0.1',
    dataDir,
    staticDir: DEMO_DIST,
    limits: { maxDocBytes: MAX_DOC_BYTES },
    log: () => {},
  });
}

describe('demo PWA: inspector, data and cards', () => {
  beforeAll(async () => {
    if (demoIsStale()) await buildDemo();
    dataDir = await mkdtemp(join(tmpdir(), 'outbox-demo-data-e2e-'));
    await start();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  beforeEach(async () => {
    // A fresh profile per test: a new anonymous user with an empty database.
    await context?.close();
    context = await browser.newContext({ acceptDownloads: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('shows a change the server refused, and sends it again once edited', async () => {
    const page = await openDemo(context, `${server.url}/notes`);
    await addNote(page, `Too long: ${'x'.repeat(MAX_DOC_BYTES)}`);
    await pillSays(page, '1 change needs attention');

    await page.getByRole('button', { name: '1 change needs attention' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sync queue' });
    await dialog.getByText('Need attention (1)').waitFor();
    await dialog.getByText('(document-too-large)', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Edit' }).click();
    const editor = dialog.getByRole('textbox', { name: /^Edit notes\// });
    const edited = JSON.parse(await editor.inputValue()) as { text: string };
    edited.text = 'Short now';
    await editor.fill(JSON.stringify(edited));
    await dialog.getByRole('button', { name: 'Save and retry' }).click();

    await pillSays(page, 'All changes saved');
    await dialog.getByText('Need attention (0)').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('#notes-list li', { hasText: 'Short now' }).waitFor();
  });

  test('refuses a note this device cannot store, says why, and gives the text back', async () => {
    const page = await openDemo(context, `${server.url}/notes`);
    const tooLong = 'z'.repeat(100_001);
    await page.getByLabel('New note').fill(tooLong);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('alert').filter({ hasText: '(invalid-value)' }).waitFor();
    expect(await page.getByLabel('New note').inputValue()).toBe(tooLong);
    await page.getByText('0 notes', { exact: true }).waitFor();
    await pillSays(page, 'All changes saved');
  });

  test('discards a refused change for good', async () => {
    const page = await openDemo(context, `${server.url}/notes`);
    await addNote(page, `Too long: ${'y'.repeat(MAX_DOC_BYTES)}`);
    await pillSays(page, '1 change needs attention');
    await page.getByRole('button', { name: '1 change needs attention' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sync queue' });
    await dialog.getByRole('button', { name: 'Discard' }).click();
    await dialog.getByText('Need attention (0)').waitFor();
    await pillSays(page, 'All changes saved');
  });

  test('warns before clearing a collection with unsynced changes, and clears only after confirming', async () => {
    const page = await openDemo(context, `${server.url}/`);
    await synced(page, () => addNote(page, 'Synced note'));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const port = server.port;
    await server.close();
    try {
      await addNote(page, 'Unsynced note');
      await pillSays(page, 'Offline — 1 change waiting');

      await go(page, 'Data & devices');
      await page.getByLabel('Collection').selectOption('notes');
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      const warning = page.getByRole('alert').filter({ hasText: 'changes not synced yet' });
      await warning.getByText('Notes has 1 changes not synced yet', { exact: false }).waitFor();
      await warning.getByRole('button', { name: 'Cancel' }).click();
      await go(page, 'Notes');
      await page.getByText('2 notes', { exact: true }).waitFor();

      await go(page, 'Data & devices');
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      await page.getByRole('button', { name: 'Discard them and clear' }).click();
      await page.getByRole('status').filter({ hasText: 'Cleared Notes: 2 removed, 1 unsynced changes discarded.' }).waitFor();
      await go(page, 'Notes');
      await page.getByText('0 notes', { exact: true }).waitFor();
      await pillSays(page, 'Offline — nothing waiting');
    } finally {
      await start(port);
    }
  });

  test('exports all data to a file and imports it back', async () => {
    const page = await openDemo(context, `${server.url}/`);
    await synced(page, () => addNote(page, 'Keep me in the export'));
    await go(page, 'Data & devices');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^outbox-demo-\d{4}-\d{2}-\d{2}\.json$/);
    const file = join(dataDir, 'export.json');
    await download.saveAs(file);

    await page.getByLabel('Collection').selectOption('notes');
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    // Everything is synced, so no warning: the collection is cleared at once.
    await page.getByRole('status').filter({ hasText: 'Cleared Notes: 1 removed.' }).waitFor();
    await go(page, 'Notes');
    await page.getByText('0 notes', { exact: true }).waitFor();

    await go(page, 'Data & devices');
    await page.getByLabel('Import a file exported before').setInputFiles(file);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Imported \d+ documents/ })
      .waitFor();
    await go(page, 'Notes');
    await page.locator('#notes-list li', { hasText: 'Keep me in the export' }).waitFor();
  });

  test('shows a conflict between two devices of one user, and dismisses it', async () => {
    const a = await openDemo(context, `${server.url}/data`);
    await a.getByRole('button', { name: 'Show sign-in code' }).click();
    const code = await a.locator('#sign-in-code').inputValue();
    const other = await browser.newContext();
    try {
      const b = await openDemo(other, `${server.url}/data`);
      await b.getByLabel('Sign in with a code from another device').fill(code);
      await b.getByRole('button', { name: 'Sign in' }).click();
      await b.getByRole('heading', { name: 'Getting started' }).waitFor();
      await pillSays(b, 'All changes saved');

      // B goes offline; then both devices change the same preferences document.
      await other.setOffline(true);
      await go(b, 'Preferences');
      await b.getByLabel('Text size').selectOption('large');
      await pillSays(b, 'Offline — 1 change waiting');
      await go(a, 'Preferences');
      await synced(a, () => a.getByLabel('Text size').selectOption('small'));

      // B comes back: its write was based on an older version, so the server reports a conflict.
      await other.setOffline(false);
      await pillSays(b, 'All changes saved · 1 conflict to review');
      // Last writer wins: A's change was made after B's, so B now shows A's choice.
      await b.waitForFunction(() => document.documentElement.dataset.textSize === 'small');
      await b.getByRole('button', { name: 'All changes saved · 1 conflict to review' }).click();
      const dialog = b.getByRole('dialog', { name: 'Sync queue' });
      await dialog.getByText('Conflicts (1)').waitFor();
      await dialog.getByText('prefs/me', { exact: true }).waitFor();
      await dialog.getByRole('button', { name: 'Dismiss' }).click();
      await dialog.getByText('Conflicts (0)').waitFor();
      await pillSays(b, 'All changes saved');
    } finally {
      await other.close();
    }
  });

  test('keeps a card open across a reload, and opens a deep link', async () => {
    const page = await openDemo(context, `${server.url}/learn`);
    await page.getByRole('heading', { name: 'Learn' }).waitFor();
    await synced(page, () => page.getByText('What happens offline?').click());
    await page.reload();
    await page.getByRole('heading', { name: 'Learn' }).waitFor();
    await page.waitForFunction(() => (document.getElementById('card-offline') as HTMLDetailsElement | null)?.open === true);
    expect(await page.locator('#card-outbox').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  });
});
