import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDemo, DEMO_DIST, demoIsStale } from '../../demo/build.mjs';
import { decodeSignInCode, encodeSignInCode } from '../../demo/src/session.ts';
import { addNote, go, openDemo, pillSays, SEEN_WITHIN_MS } from '../../demo/testing/demo-driver.ts';
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

/** A second user made on the server, as the sign-in code another device would show. */
async function otherUsersCode(): Promise<string> {
  const res = await fetch(`${server.url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return encodeSignInCode((await res.json()) as { userId: string; token: string });
}

/** The texts of the notes the server holds for the user of `token`. */
async function serverNotes(token: string): Promise<string[]> {
  const res = await fetch(`${server.url}/v1/pull?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { changes: { collection: string; value?: { text?: string } }[] };
  return body.changes.filter((c) => c.collection === 'notes').map((c) => c.value?.text ?? '');
}

async function signInWith(page: Page, code: string): Promise<void> {
  await go(page, 'Data & devices');
  await page.getByLabel('Sign in with a code from another device').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('demo: switching user', () => {
  beforeAll(async () => {
    if (demoIsStale()) await buildDemo();
    dataDir = await mkdtemp(join(tmpdir(), 'outbox-demo-switch-e2e-'));
    await start();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("offline, a write, then another user signs in: warned with the count, nothing lost; the first user's return syncs it", async () => {
    const context: BrowserContext = await browser.newContext();
    const page = await openDemo(context, `${server.url}/`);
    await pillSays(page, 'All changes saved');
    await go(page, 'Data & devices');
    await page.getByRole('button', { name: 'Show sign-in code' }).click();
    const firstCode = await page.locator('#sign-in-code').inputValue();
    const first = decodeSignInCode(firstCode);
    if (first === null) throw new Error(`not a sign-in code: ${firstCode}`);
    const secondCode = await otherUsersCode();
    // The reloads below must be served from the precache while the server is down.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: SEEN_WITHIN_MS });

    // Server down: the note waits in the first user's database.
    await server.close();
    await addNote(page, 'Unsynced note of the first user');
    await pillSays(page, 'Offline — 1 change waiting');

    // Another user signs in: the change cannot leave, so the page says how many stay behind and asks.
    await signInWith(page, secondCode);
    const warning = page.locator('#sign-in-error');
    await warning
      .filter({ hasText: `1 change of user ${first.userId} could not be sent yet` })
      .waitFor({ timeout: SEEN_WITHIN_MS });
    await page.getByRole('button', { name: 'Sign in anyway' }).click();
    await page.waitForURL(`${server.url}/`);
    await go(page, 'Data & devices');
    await page.getByText(`You are signed in as user ${decodeSignInCode(secondCode)?.userId}`).waitFor();
    // Nothing lost: the first user's database is kept, with its write, and listed as such.
    await page
      .locator('#kept-for-others li', { hasText: `User ${first.userId}: 1 change not sent yet` })
      .waitFor({ timeout: SEEN_WITHIN_MS });

    // Server back; the first user signs in again on this device: the kept change is sent.
    await start();
    await signInWith(page, firstCode);
    await page.waitForURL(`${server.url}/`);
    await pillSays(page, 'All changes saved');
    await go(page, 'Notes');
    await page.locator('#notes-list li', { hasText: 'Unsynced note of the first user' }).waitFor();
    expect(await serverNotes(first.token)).toEqual(['Unsynced note of the first user']);
    await context.close();
  });
});
