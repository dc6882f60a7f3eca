import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SyncStatus } from '../../src/protocol/sync-status.ts';
import { newSession, openApp, serverDocsOf, setAuth, until, waitForStatus } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  env = await startE2eEnv();
  browser = await launchBrowser();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.stop();
});

/** The status log without consecutive repeats of the same (phase, pending), for reading as a sequence. */
function phases(log: SyncStatus[]): string[] {
  const out: string[] = [];
  for (const s of log) {
    const label = `${s.phase}:${s.pending}`;
    if (out.at(-1) !== label) out.push(label);
  }
  return out;
}

describe('offline write (issue 5 item 1)', () => {
  test('a write made with the server down survives a reload, waits, and syncs when the server is back', async () => {
    const { token } = await newSession(env);
    const page = await openApp(context, env, 'offline-reload');
    await setAuth(page, token);
    await waitForStatus(page, (s) => s.phase === 'idle' && s.online === true);

    await env.proxy.down();
    const receipt = await page.evaluate(() => window.app.outbox.put('notes', 'n1', { text: 'written offline' }));
    expect(receipt.seq).toBeGreaterThan(0);
    const failing = await waitForStatus(page, (s) => s.pending === 1 && (s.phase === 'offline' || s.phase === 'backoff'));
    expect(failing.lastError?.code).toBe('network-error');

    // The shell comes from the precache; the document and the queued write from IndexedDB.
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const doc = await page.evaluate(() => window.app.outbox.get('notes', 'n1'));
    expect(doc).toMatchObject({ key: 'n1', value: { text: 'written offline' }, version: null, pendingWrites: 1 });
    const waiting = await waitForStatus(page, (s) => s.pending === 1 && (s.phase === 'offline' || s.phase === 'backoff'));
    expect(waiting.lastError?.code).toBe('network-error');
    expect(await serverDocsOf(env, token, 'notes')).toEqual([]);

    await env.proxy.up();
    const synced = await waitForStatus(page, (s) => s.pending === 0 && s.lastSyncedAt !== null && s.phase === 'idle');
    expect(synced.lastError).toBeNull();
    const log = await page.evaluate(() => window.app.statusLog);
    // After the reload: waiting with the write (failed attempts), then a push, then idle and empty.
    const seq = phases(log);
    expect(seq[0]).toBe('idle:0');
    const firstWaiting = seq.findIndex((p) => p === 'offline:1' || p === 'backoff:1');
    const push = seq.indexOf('pushing:1', firstWaiting);
    expect(firstWaiting).toBeGreaterThanOrEqual(0);
    expect(push).toBeGreaterThan(firstWaiting);
    expect(seq.at(-1)).toBe('idle:0');
    // Reading the sequence: the page's placeholder (at 0) until the worker answers; then, with the
    // write pending throughout, the stored counts and failed attempts while the server is down (the
    // reloaded worker's new runner takes over at once a push the old one left leased); then
    // the push that succeeds, the pull, and idle with nothing pending.
    const sequence = phases(log.filter((s) => s.at > 0)).join(' ');
    expect(sequence, sequence).toMatch(/^((idle|pushing|pulling|offline|backoff):1 )*pushing:1 pushing:0 (pulling:0 )?idle:0$/);

    const docs = await until(async () => {
      const d = await serverDocsOf(env, token, 'notes');
      return d.length > 0 ? d : undefined;
    }, 'the note on the server');
    expect(docs).toEqual([expect.objectContaining({ key: 'n1', op: 'put', value: { text: 'written offline' }, version: 1 })]);
    const after = await page.evaluate(() => window.app.outbox.get('notes', 'n1'));
    expect(after).toMatchObject({ version: 1, pendingWrites: 0 });
  });
});
