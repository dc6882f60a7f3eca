import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { openApp, serverDocsOf, setAuth, until, WAIT_MS } from './support/app-page.ts';
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
  env.proxy.stallPushes(false);
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** A token of a new user, signed with the server's secret. */
const newToken = (): string => issueToken(env.server.secret, randomId(), 3_600_000);

function writeEvents(page: Page, tab: string, count: number): Promise<void> {
  return page.evaluate(
    async ({ tab, count }) => {
      for (let n = 0; n < count; n++) await window.app.outbox.put('events', `${tab}-${n}`, { tab, n });
    },
    { tab, count },
  );
}

async function lockQueue(page: Page, db: string): Promise<string> {
  return page.evaluate(async (name) => {
    const state = await navigator.locks.query();
    const mine = (l: LockInfo) => l.name === name;
    return `held=${(state.held ?? []).filter(mine).length} pending=${(state.pending ?? []).filter(mine).length}`;
  }, `outbox:sync:${db}`);
}

const waitForLockQueue = (page: Page, db: string, want: string) =>
  until(async () => ((await lockQueue(page, db)) === want ? true : undefined), `lock queue ${want}`);

/**
 * The runner's tab writes, its push is held by the proxy mid-flight, and then `kill` ends the
 * runner. The server applies the held push (its answer reaches nobody). `survivor` (a tab) must
 * then flush: the app's lease (app-policy.ts) is longer than the test, so flush() resolves only
 * if the next lock holder takes the dead runner's batch over at once.
 */
async function killMidPush(runner: Page, kill: () => Promise<Page>, token: string): Promise<void> {
  env.proxy.stallPushes(true);
  await writeEvents(runner, 'a', 8);
  await until(async () => (env.proxy.stalledCount > 0 ? true : undefined), 'a push held mid-flight');
  const survivor = await kill();
  // Holding stops before the held push goes on: the new runner's resend may come at any moment,
  // and a push held after the release would never be answered.
  env.proxy.stallPushes(false);
  await env.proxy.releaseStalled();
  await survivor.evaluate(() => window.app.outbox.flush());

  const docs = await serverDocsOf(env, token, 'events');
  expect(docs.map((d) => [d.key, d.version]).sort()).toEqual(Array.from({ length: 8 }, (_, n) => [`a-${n}`, 1]).sort());
  const ids = env.proxy.applied.map((w) => w.id);
  expect(new Set(ids).size).toBe(ids.length);
  // What the dead runner sent was applied once and recognised when the new runner resent it.
  expect(env.proxy.duplicates).toBeGreaterThan(0);
  expect(await survivor.evaluate(() => window.app.outbox.listDeadLetters())).toEqual([]);
  expect(await survivor.evaluate(() => window.app.outbox.status.get().pending)).toBe(0);
}

describe('a runner that dies mid-push', () => {
  test('its tab reloads: the reloaded tab takes the batch over at once and flush() resolves', async () => {
    const db = 'takeover-reload';
    const token = newToken();
    const page = await openApp(context, env, db, { sw: false });
    await setAuth(page, token);
    await killMidPush(
      page,
      async () => {
        await page.reload();
        await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: WAIT_MS });
        return page;
      },
      token,
    );
  });

  test("its tab is closed by the browser: another tab's flush() resolves, each write applied once", async () => {
    const db = 'takeover-close';
    const token = newToken();
    const runner = await openApp(context, env, db, { sw: false });
    await setAuth(runner, token);
    await waitForLockQueue(runner, db, 'held=1 pending=0');
    const other = await openApp(context, env, db, { sw: false });
    await waitForLockQueue(other, db, 'held=1 pending=1');
    await killMidPush(
      runner,
      async () => {
        // Closed by the browser (as a tab is when its window goes), not by the page's own unload code.
        const cdp = await context.newCDPSession(runner);
        const { targetInfo } = (await cdp.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
        const closed = runner.waitForEvent('close');
        await cdp.send('Target.closeTarget', { targetId: targetInfo.targetId }).catch(() => undefined);
        await closed;
        return other;
      },
      token,
    );
  });

  test("its tab's renderer crashes: another tab's flush() resolves, each write applied once", async () => {
    const db = 'takeover-crash';
    const token = newToken();
    const runner = await openApp(context, env, db, { sw: false });
    await setAuth(runner, token);
    await waitForLockQueue(runner, db, 'held=1 pending=0');
    const other = await openApp(context, env, db, { sw: false });
    await waitForLockQueue(other, db, 'held=1 pending=1');
    await killMidPush(
      runner,
      async () => {
        const cdp = await context.newCDPSession(runner);
        // Page.crash never answers: the renderer is gone.
        void cdp.send('Page.crash').catch(() => undefined);
        await runner.waitForEvent('crash');
        return other;
      },
      token,
    );
  });
});
