import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { issueToken, verifyToken } from '../../server/auth/hmac-token.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { gotoApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  env = await startE2eEnv();
  browser = await launchBrowser();
});

beforeEach(async () => {
  env.proxy.reset();
  context = await browser.newContext();
});

afterEach(async () => {
  await context?.close();
  await env.proxy.up();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** Lifetime of the short-lived token, in ms. */
const SHORT_TTL_MS = 2_000;

describe('createOutbox refreshAuth', () => {
  test('a token that expired while offline is refreshed when the app is back online; every write syncs', async () => {
    const db = 'auth-refresh';
    const userId = randomId();
    const refreshed: string[] = [];
    const page = await context.newPage();
    // The app's refreshAuth asks this (in Node): a new token of the same user, as a sign-in server would give.
    await page.exposeFunction('outboxRefreshAuth', async () => {
      const token = issueToken(env.server.secret, userId, 3_600_000);
      refreshed.push(token);
      return { authorization: `Bearer ${token}` };
    });
    await gotoApp(page, env, db, { sw: false });
    await setAuth(page, issueToken(env.server.secret, userId, 3_600_000));
    await page.evaluate(() => window.app.outbox.put('events', 'online-0', { tab: 'a', n: 0 }));
    await page.evaluate(() => window.app.outbox.flush());
    // A pull sent before setAuth landed may already have asked for a token; count from here.
    const before = refreshed.length;

    // Offline, the app holds a short-lived token (as one renewed just before the network went).
    await env.proxy.down();
    const short = issueToken(env.server.secret, userId, SHORT_TTL_MS);
    await setAuth(page, short);
    await page.evaluate(async () => {
      for (let n = 1; n <= 5; n++) await window.app.outbox.put('events', `offline-${n}`, { tab: 'a', n });
    });
    await waitForStatus(page, (s) => s.pending === 5 && (s.phase === 'offline' || s.phase === 'backoff'));
    // The server would now refuse the first token.
    await until(async () => {
      try {
        verifyToken(env.server.secret, short);
        return undefined;
      } catch {
        return true;
      }
    }, 'the short-lived token to expire');

    await env.proxy.up();
    await page.evaluate(() => window.app.outbox.setOnline(true));
    await page.evaluate(() => window.app.outbox.flush());

    expect(refreshed.length).toBeGreaterThan(before);
    const docs = await serverDocsOf(env, refreshed.at(-1) ?? '', 'events');
    expect(docs.map((d) => d.key).sort()).toEqual(['offline-1', 'offline-2', 'offline-3', 'offline-4', 'offline-5', 'online-0']);
    const status = await page.evaluate(() => window.app.outbox.status.get());
    expect(status).toMatchObject({ pending: 0, deadLetters: 0 });
    expect(status.phase).not.toBe('auth-required');
    expect(await page.evaluate(() => window.app.outbox.listDeadLetters())).toEqual([]);
  });

  test('a refresh that gives no new credentials leaves the outbox waiting in auth-required, writes kept', async () => {
    const db = 'auth-refresh-none';
    const userId = randomId();
    const page = await context.newPage();
    let asked = 0;
    await page.exposeFunction('outboxRefreshAuth', async () => {
      asked += 1;
      return null;
    });
    await gotoApp(page, env, db, { sw: false });
    await setAuth(page, issueToken(env.server.secret, userId, 1));
    await page.evaluate(() => window.app.outbox.put('events', 'kept', { tab: 'a', n: 0 }));
    const waiting = await waitForStatus(page, (s) => s.phase === 'auth-required');
    expect(waiting).toMatchObject({ pending: 1, deadLetters: 0 });
    expect(waiting.lastError?.code).toBe('auth-required');
    expect(asked).toBeGreaterThanOrEqual(1);

    const fresh = issueToken(env.server.secret, userId, 3_600_000);
    await setAuth(page, fresh);
    await page.evaluate(() => window.app.outbox.flush());
    expect((await serverDocsOf(env, fresh, 'events')).map((d) => d.key)).toEqual(['kept']);
  });
});
