/**
 * Drives the demo from playwright-core the way a user does: through labels, roles and the
 * words on screen. Shared by the e2e tests and scripts/screenshots.mjs.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Long enough for an automatic retry after the server comes back; every wait ends as soon as the page shows the words. */
export const SEEN_WITHIN_MS = 60_000;

type PillWindow = { pillLog: string[] };

/** Runs in the page: records every text the pill shows (a write can be sent within one polling interval). */
function recordPill(): void {
  const log: string[] = [];
  (window as unknown as PillWindow).pillLog = log;
  new MutationObserver(() => {
    const text = document.getElementById('status-text')?.textContent ?? '';
    if (text !== '' && log[log.length - 1] !== text) log.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

/** Opens the demo at `path` in a new tab of `context`, recording what the pill says. */
export async function openDemo(context: BrowserContext, url: string): Promise<Page> {
  await context.addInitScript(recordPill);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Waits until the status pill says exactly `words`, or fails with what it said instead. */
export async function pillSays(page: Page, words: string): Promise<void> {
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

/** Does what the user does, then waits until the pill has left "All changes saved" and come back: the change reached the server. */
export async function synced(page: Page, action: () => Promise<unknown>): Promise<void> {
  await pillSays(page, 'All changes saved');
  const mark = await page.evaluate(() => (window as unknown as PillWindow).pillLog.length);
  await action();
  await page.waitForFunction(
    (m) => {
      const log = (window as unknown as PillWindow).pillLog.slice(m);
      return log.some((t) => t !== 'All changes saved') && log[log.length - 1] === 'All changes saved';
    },
    mark,
    { timeout: SEEN_WITHIN_MS, polling: 100 },
  );
}

/** Clicks a page link in the top navigation. */
export async function go(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: label, exact: true }).click();
}

/** Writes a note on the Notes page and waits until it is listed. */
export async function addNote(page: Page, text: string): Promise<void> {
  await go(page, 'Notes');
  await page.getByLabel('New note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('#notes-list li', { hasText: text }).first().waitFor();
}
