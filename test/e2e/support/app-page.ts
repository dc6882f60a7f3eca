import type { BrowserContext, Page } from 'playwright-core';
import type { SyncStatus } from '../../../src/protocol/sync-status.ts';
import type { E2eEnv } from './e2e-env.ts';

/** Longest a test waits for one condition in the browser. */
export const WAIT_MS = 30_000;

/** A fresh anonymous user on the real server: its bearer token. */
export async function newSession(env: E2eEnv): Promise<{ userId: string; token: string }> {
  const res = await fetch(`${env.server.url}/v1/session`, { method: 'POST' });
  if (!res.ok) throw new Error(`session ${res.status}`);
  return (await res.json()) as { userId: string; token: string };
}

/** Opens the test app on database `db` and waits until it is ready (and, unless `sw: false`, controlled by its service worker). */
export async function openApp(
  context: BrowserContext,
  env: E2eEnv,
  db: string,
  options: { path?: string; sw?: boolean } = {},
): Promise<Page> {
  const page = await context.newPage();
  await gotoApp(page, env, db, options);
  return page;
}

export async function gotoApp(page: Page, env: E2eEnv, db: string, options: { path?: string; sw?: boolean } = {}): Promise<void> {
  const sw = options.sw ?? true;
  await page.goto(`${env.url}${options.path ?? '/'}?db=${encodeURIComponent(db)}${sw ? '' : '&sw=off'}`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: WAIT_MS });
  if (sw) {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: WAIT_MS });
  }
}

/** Stores the user's bearer token in the outbox (every tab and the service worker read it from there). */
export async function setAuth(page: Page, token: string): Promise<void> {
  await page.evaluate((t) => window.app.outbox.setAuth({ authorization: `Bearer ${t}` }), token);
}

/** Waits until the page's latest status satisfies `predicate` (a function source run in the page). */
export async function waitForStatus(page: Page, predicate: (s: SyncStatus) => boolean, timeout = WAIT_MS): Promise<SyncStatus> {
  const handle = await page.waitForFunction(
    (source) => {
      const s = window.app.outbox.status.get();
      // The predicate is test code shipped into the page as source.
      const predicate = new Function(`return (${source});`)() as (status: typeof s) => boolean;
      return predicate(s) ? s : undefined;
    },
    predicate.toString(),
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as SyncStatus;
}

/** Polls `check` in Node until it returns a value (not undefined), failing after `timeout` ms. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeout = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Server documents of one collection for the user of `token`, by key. */
export async function serverDocsOf(env: E2eEnv, token: string, collection: string) {
  const docs = await env.serverDocs(token);
  return docs.filter((d) => d.collection === collection);
}
