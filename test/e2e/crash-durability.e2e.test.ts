import { rmSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newSession, openApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
import { killBrowser, launchPersistent } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await context?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  await env?.stop();
});

describe('crash durability (issue 5 item 5)', () => {
  test('a write whose put() resolved survives a SIGKILL of the browser and then syncs', async () => {
    ({ context, userDataDir } = await launchPersistent());
    const db = 'sigkill';
    const { token } = await newSession(env);
    const page = await openApp(context, env, db);
    await setAuth(page, token);

    await env.proxy.down();
    const receipt = await page.evaluate(() => window.app.outbox.put('notes', 'crash', { text: 'kept across a crash' }));
    await killBrowser(context, userDataDir);

    ({ context } = await launchPersistent(userDataDir));
    const relaunched = await openApp(context, env, db);
    const doc = await relaunched.evaluate(() => window.app.outbox.get('notes', 'crash'));
    expect(doc).toMatchObject({ value: { text: 'kept across a crash' }, pendingWrites: 1 });
    const pending = await relaunched.evaluate(() => window.app.outbox.listPending());
    expect(pending.map((w) => w.id)).toEqual([receipt.id]);
    expect(await serverDocsOf(env, token, 'notes')).toEqual([]);

    await env.proxy.up();
    await waitForStatus(relaunched, (s) => s.pending === 0 && s.lastSyncedAt !== null);
    const docs = await until(async () => {
      const d = await serverDocsOf(env, token, 'notes');
      return d.length > 0 ? d : undefined;
    }, 'the note on the server');
    expect(docs).toEqual([expect.objectContaining({ key: 'crash', value: { text: 'kept across a crash' }, version: 1 })]);
    expect(env.proxy.applied.filter((w) => w.id === receipt.id)).toHaveLength(1);
  });
});
