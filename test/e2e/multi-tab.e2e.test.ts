import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Change } from '../../src/protocol/pull-messages.ts';
import { newSession, openApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
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
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** Writes `count` events from one tab, one after the other (each awaited), keys `<tab>-<nn>`. */
function writeEvents(page: Page, tab: string, count: number): Promise<void> {
  return page.evaluate(
    async ({ tab, count }) => {
      for (let n = 0; n < count; n++) {
        await window.app.outbox.put('events', `${tab}-${String(n).padStart(3, '0')}`, { tab, n });
      }
    },
    { tab, count },
  );
}

/**
 * Asserts that every event of every tab is on the server once (version 1 everywhere), that the
 * server applied each write exactly once (its `applied` answers, seen by the proxy, name each
 * write id once), and in each tab's order.
 */
function expectExactlyOnceInOrder(docs: Change[], tabs: string[], count: number): void {
  const mine = (tab: string) => (w: { key: string }) => w.key.startsWith(`${tab}-`);
  const events = docs.filter((d) => tabs.some((t) => mine(t)(d)));
  expect(events).toHaveLength(tabs.length * count);
  for (const doc of events) expect(doc).toMatchObject({ op: 'put', version: 1 });
  const applied = env.proxy.applied.filter((w) => tabs.some((t) => mine(t)(w)));
  expect(new Set(applied.map((w) => w.id)).size).toBe(applied.length);
  expect(applied).toHaveLength(tabs.length * count);
  for (const tab of tabs) {
    const ns = applied.filter(mine(tab)).map((w) => (w.value as { n: number }).n);
    expect(ns).toEqual(Array.from({ length: count }, (_, n) => n));
  }
}

/** How many of the tabs' workers are waiting for or holding the sync lock, from the page of `page`. */
async function lockHolders(page: Page, db: string): Promise<{ held: number; pending: number }> {
  return page.evaluate(async (name) => {
    const state = await navigator.locks.query();
    const mine = (l: LockInfo) => l.name === name;
    return { held: (state.held ?? []).filter(mine).length, pending: (state.pending ?? []).filter(mine).length };
  }, `outbox:sync:${db}`);
}

/** Waits until the lock queue is `expected` (every tab's worker asks for the lock once its database is open). */
async function expectLockQueue(page: Page, db: string, expected: { held: number; pending: number }): Promise<void> {
  const want = JSON.stringify(expected);
  await until(async () => (JSON.stringify(await lockHolders(page, db)) === want ? true : undefined), `lock queue ${want}`);
}

describe('every tab in step (issue 5 items 3 and 4)', () => {
  test('three tabs write concurrently while pushes fail at random: each write applied once, in order, one runner at a time', async () => {
    const db = 'three-tabs';
    const { token } = await newSession(env);
    const tabs = ['a', 'b', 'c'];
    const pages = [];
    for (const _ of tabs) pages.push(await openApp(context, env, db, { sw: false }));
    const first = pages[0] as Page;
    await setAuth(first, token);
    await expectLockQueue(first, db, { held: 1, pending: 2 });

    env.proxy.failPushes(0.4, 7);
    const count = 40;
    await Promise.all(pages.map((page, i) => writeEvents(page, tabs[i] as string, count)));
    // flush() works from any tab, runner or not; it resolves once these writes are acknowledged.
    await Promise.all(pages.map((page) => page.evaluate(() => window.app.outbox.flush())));

    for (const page of pages) await waitForStatus(page, (s) => s.pending === 0);
    expectExactlyOnceInOrder(await serverDocsOf(env, token, 'events'), tabs, count);
    expect(env.proxy.pushes).toContain('fail-before');
    expect(env.proxy.pushes).toContain('drop-after');
    expect(env.proxy.duplicates).toBeGreaterThan(0);
    expect(env.proxy.maxConcurrentPushes).toBe(1);
    expect(await lockHolders(first, db)).toEqual({ held: 1, pending: 2 });
  });

  test("the runner's tab closes mid-push: another tab takes over, nothing lost or doubled", async () => {
    const db = 'takeover';
    const { token } = await newSession(env);
    const runner = await openApp(context, env, db, { sw: false });
    // Answered once the runner's database is open, so its worker asked for the lock first.
    await setAuth(runner, token);
    await expectLockQueue(runner, db, { held: 1, pending: 0 });
    const other = await openApp(context, env, db, { sw: false });
    await expectLockQueue(other, db, { held: 1, pending: 1 });

    env.proxy.stallPushes(true);
    await writeEvents(runner, 'a', 30);
    await until(async () => (env.proxy.stalledCount > 0 ? true : undefined), 'a push held mid-flight');
    const mid = await waitForStatus(other, (s) => s.phase === 'pushing' && s.inFlight > 0);
    expect(mid.inFlight).toBeGreaterThan(0);

    await runner.close();
    // The server receives the batch the closed tab sent; that tab never hears the answer. Holding
    // stops first: the new runner's resend may come at any moment and must not be held for good.
    env.proxy.stallPushes(false);
    await env.proxy.releaseStalled();
    await expectLockQueue(other, db, { held: 1, pending: 0 });
    await writeEvents(other, 'b', 5);

    // The new lock holder takes the dead runner's leased batch over at once (the app's lease is
    // longer than the test) and resends it.
    await waitForStatus(other, (s) => s.pending === 0 && s.phase === 'idle');
    const docs = await serverDocsOf(env, token, 'events');
    expectExactlyOnceInOrder(docs, ['a'], 30);
    expectExactlyOnceInOrder(docs, ['b'], 5);
    // The batch the closed tab sent was applied once and recognised when the new runner resent it.
    expect(env.proxy.duplicates).toBeGreaterThan(0);
    expect(await other.evaluate(() => window.app.outbox.listDeadLetters())).toEqual([]);
  });
});
